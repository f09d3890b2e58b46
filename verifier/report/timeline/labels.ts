// The text of the timeline: a lane's name, a section's name, a row's label (cut to fit the margin,
// in full on hover) and the note an empty lane shows instead of a line.

import { markup, type SafeHtml } from '../html/template.ts';
import { LEFT, PLOT } from './scales.ts';

export function laneLabel(text: string, top: number, height: number, title: string): SafeHtml {
  return markup`<text class="lane-label" x="12" y="${top + height / 2}"><title>${title}</title>${text}</text>`;
}

export function sectionLabel(text: string, top: number): SafeHtml {
  return markup`<text class="section-label" x="12" y="${top - 3}">${text}</text>`;
}

export function rowLabel(text: string, y: number, title: string, color?: string): SafeHtml {
  const shown = [...text].length > 30 ? `${[...text].slice(0, 29).join('')}…` : text;
  const style = color ? markup` style="fill:${color}"` : '';
  return markup`<text class="row-label" x="${LEFT - 8}" y="${y + 14}" text-anchor="end"${style}><title>${title}</title>${shown}</text>`;
}

export function emptyNote(text: string, y: number): SafeHtml {
  return markup`<text class="row-note" x="${LEFT + PLOT / 2}" y="${y}" text-anchor="middle">${text}</text>`;
}
