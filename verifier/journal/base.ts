// What every journal event has: when gameday recorded it (ISO 8601, gameday's clock).

export interface Base {
  /** When gameday recorded the event. */
  at: string;
}
