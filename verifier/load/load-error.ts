import { GamedayError } from '../errors.ts';

/** k6 could not be started, ended abnormally, or left results that cannot be read. */
export class LoadError extends GamedayError {}
