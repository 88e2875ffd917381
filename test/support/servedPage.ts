// Reads what a webview was served: its policy and the tags that load or carry code and styles.
// Written for the pages webviewHtml.ts builds (double-quoted attributes), independently of it.

export interface ServedPage {
  /** Directive name -> its sources, from the page's Content-Security-Policy meta tag. */
  policy: Map<string, string[]>;
  policyMetaCount: number;
  scripts: Record<string, string>[];
  styles: Record<string, string>[];
  links: Record<string, string>[];
  title: string | undefined;
}

export function readServedPage(html: string): ServedPage {
  const metas = tags(html, 'meta').filter(
    (attributes) => attributes['http-equiv']?.toLowerCase() === 'content-security-policy',
  );
  const policy = new Map<string, string[]>();
  for (const directive of (metas[0]?.content ?? '').split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) policy.set(name.toLowerCase(), sources);
  }
  const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1];
  return {
    policy,
    policyMetaCount: metas.length,
    scripts: tags(html, 'script'),
    styles: tags(html, 'style'),
    links: tags(html, 'link'),
    title: title === undefined ? undefined : decodeEntities(title),
  };
}

/** The nonce a policy directive allows, if exactly one. */
export function nonceOf(sources: readonly string[] | undefined): string | undefined {
  const nonces = (sources ?? []).filter((source) => /^'nonce-.+'$/.test(source));
  return nonces.length === 1 ? nonces[0].slice("'nonce-".length, -1) : undefined;
}

function tags(html: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'gi'))) {
    const attributes: Record<string, string> = {};
    for (const attribute of match[1].matchAll(/([\w-]+)(?:\s*=\s*"([^"]*)")?/g)) {
      attributes[attribute[1].toLowerCase()] = decodeEntities(attribute[2] ?? '');
    }
    found.push(attributes);
  }
  return found;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#\d+|[a-z]+);/gi, (entity, body: string) =>
    body.startsWith('#') ? String.fromCharCode(Number(body.slice(1))) : (named[body.toLowerCase()] ?? entity),
  );
}

/**
 * Everything that makes a served page less strict than the foundation promises; empty when it is
 * right. `cspSource` is the webview's own origin list, the only http(s) source allowed.
 */
export function policyProblems(page: ServedPage, cspSource: string): string[] {
  const problems: string[] = [];
  const ownOrigins = new Set(cspSource.split(/\s+/).filter(Boolean));
  if (page.policyMetaCount !== 1) problems.push(`${page.policyMetaCount} policy meta tags instead of 1`);
  const directive = (name: string) => page.policy.get(name) ?? [];
  if (directive('default-src').join(' ') !== "'none'") problems.push("default-src is not 'none'");
  const nonce = nonceOf(directive('script-src'));
  if (nonce === undefined) problems.push('script-src allows no single nonce');
  if (directive('script-src').length !== 1) problems.push('script-src allows more than the nonce');
  const allowed: Record<string, (source: string) => boolean> = {
    'style-src': (source) => ownOrigins.has(source) || source === `'nonce-${nonce}'`,
    'img-src': (source) => ownOrigins.has(source) || source === 'data:',
    'font-src': (source) => ownOrigins.has(source),
    // A page that decodes pictures itself fetches them, from its own origin only.
    'connect-src': (source) => ownOrigins.has(source),
  };
  for (const [name, sources] of page.policy) {
    for (const source of sources) {
      if (/unsafe-/i.test(source)) problems.push(`${name} allows ${source}`);
      if (/^https?:/i.test(source) && !ownOrigins.has(source)) problems.push(`${name} allows ${source}`);
    }
    if (name === 'default-src' || name === 'script-src') continue;
    const isAllowed = allowed[name];
    if (!isAllowed) problems.push(`unexpected directive ${name}`);
    else for (const source of sources.filter((source) => !isAllowed(source))) problems.push(`${name} allows ${source}`);
  }
  if (page.scripts.length === 0) problems.push('no script');
  for (const script of page.scripts) {
    if (script.nonce !== nonce) problems.push(`a script without the nonce: ${JSON.stringify(script)}`);
  }
  for (const style of page.styles) {
    if (style.nonce !== nonce) problems.push(`a style element without the nonce`);
  }
  return [...new Set(problems)];
}
