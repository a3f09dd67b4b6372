/**
 * Points the `links` of a converted body back at the tenant operations. Atlas's tenant
 * answers link to tenant paths (a page's `next`, an item's `self`); a caller that follows
 * one then reaches the shim again, instead of a Flex path it would call with the tenant
 * media type and get 406 for. Pure.
 */

// The Flex backup paths of one cluster, and the tenant path segment each replaces.
const FLEX_BACKUP_PATH = /^(\/api\/atlas\/v2\/groups\/[^/]+)\/flexClusters\/([^/]+)\/backup\/(restoreJobs|snapshots|download)(\/[^/]*)?$/;
const TENANT_SEGMENT: Readonly<Record<string, string>> = { restoreJobs: 'restores', snapshots: 'snapshots', download: 'download' };

/** The tenant twin of a Flex backup URL on `origin` (query kept), or the URL unchanged. */
export function legacyHref(href: string, origin: string): string {
  if (!URL.canParse(href)) return href;
  const url = new URL(href);
  const match = FLEX_BACKUP_PATH.exec(url.pathname);
  if (url.origin !== origin || match === null) return href;
  const [, group, cluster, kind, item] = match;
  return `${origin}${group}/clusters/${cluster}/backup/tenant/${TENANT_SEGMENT[kind as string]}${item ?? ''}${url.search}`;
}

/** A copy of `value` whose every `links[].href` (at any depth) points at the tenant twin. */
export function withLegacyLinks<T>(value: T, origin: string): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withLegacyLinks(item, origin)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = key === 'links' && Array.isArray(field) ? field.map((link: unknown) => legacyLink(link, origin)) : withLegacyLinks(field, origin);
  }
  return out as T;
}

function legacyLink(link: unknown, origin: string): unknown {
  if (typeof link !== 'object' || link === null) return link;
  const { href } = link as { href?: unknown };
  return typeof href === 'string' ? { ...link, href: legacyHref(href, origin) } : link;
}
