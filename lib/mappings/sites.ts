/**
 * The company's WebEx sites as mappings name them: a row is stored under the site's key ('' the
 * default site), while a CSV file, the admin form and the command line name the site by its WebEx
 * site name (config.sites gives both).
 */
export interface MappingSite {
  key: string;
  siteName: string;
}

/** The key of the site a name gives: '' for an empty name or the default site's own name; undefined for a site not configured. */
export function siteKeyNamed(sites: readonly MappingSite[], name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  // site names are configured lower-case (lib/config.ts), and typed in any case
  return wanted === '' ? '' : sites.find((site) => site.siteName === wanted)?.key;
}

/** The WebEx site name of a stored key (the key itself for a site no longer configured, as the key is that site's name). */
export function siteNameOf(sites: readonly MappingSite[], key: string): string {
  return sites.find((site) => site.key === key)?.siteName ?? key;
}

/** What an admin is told of an unknown site: the names they may use. */
export function unknownSiteMessage(sites: readonly MappingSite[], name: string): string {
  return `Unknown WebEx site "${name.trim()}": the sites are ${sites.map((site) => site.siteName).join(', ')} (empty: ${sites[0]?.siteName ?? 'the default site'})`;
}
