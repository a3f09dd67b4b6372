import { SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES } from './error-codes.js';
import type { Link } from './views.js';

/** The contract's `pageNum`, `itemsPerPage` and `includeCount` query parameters, defaults applied. */
export interface PageRequest {
  readonly pageNum: number;
  readonly itemsPerPage: number;
  readonly includeCount: boolean;
}

/** A contract `Paginated…` body. */
export interface Page<T> {
  readonly links: readonly Link[];
  readonly results: readonly T[];
  readonly totalCount?: number;
}

function invalid(name: string, value: string, rule: string): SimulatorApiError {
  return new SimulatorApiError(400, SIMULATOR_ERROR_CODES.invalidParameter, `Invalid query parameter ${name}=${value}: must be ${rule}.`, {
    parameters: [name, value],
  });
}

function integer(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) throw invalid(name, raw, `an integer from ${min} to ${max}`);
  return value;
}

/** Reads the pagination parameters; 400 `INVALID_PARAMETER` when one is outside the contract's range. */
export function parsePageRequest(query: URLSearchParams): PageRequest {
  const rawCount = query.get('includeCount');
  if (rawCount !== null && !/^(true|false)$/i.test(rawCount)) throw invalid('includeCount', rawCount, 'true or false');
  return {
    pageNum: integer(query, 'pageNum', 1, 1, 999_999_999),
    itemsPerPage: integer(query, 'itemsPerPage', 100, 1, 500),
    includeCount: rawCount === null || rawCount.toLowerCase() === 'true',
  };
}

/** One page of `items`, with `self` and, where they exist, `previous`/`next` links. */
export function paginate<T>(items: readonly T[], page: PageRequest, pageUrl: string): Page<T> {
  const href = (pageNum: number): string =>
    `${pageUrl}?${new URLSearchParams({ pageNum: String(pageNum), itemsPerPage: String(page.itemsPerPage) }).toString()}`;
  const start = (page.pageNum - 1) * page.itemsPerPage;
  const links: Link[] = [];
  if (page.pageNum > 1) links.push({ rel: 'previous', href: href(page.pageNum - 1) });
  links.push({ rel: 'self', href: href(page.pageNum) });
  if (start + page.itemsPerPage < items.length) links.push({ rel: 'next', href: href(page.pageNum + 1) });
  return {
    links,
    results: items.slice(start, start + page.itemsPerPage),
    ...(page.includeCount ? { totalCount: items.length } : {}),
  };
}
