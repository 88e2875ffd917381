/**
 * A stand-in for Red Hat's YAML extension (redhat.vscode-yaml), which no package registry carries: its `activate`
 * returns the schema contributor API the real one documents, and records each contributor so that tests can ask it
 * what Red Hat's language server would ask. It validates nothing itself. Nothing here comes from src/.
 */

/** One registered contributor, as the real extension keeps it: by name, which is also its URI scheme. */
export interface RecordedContributor {
  readonly schema: string;
  readonly requestSchema: (resource: string) => string | undefined;
  readonly requestSchemaContent: (uri: string) => Promise<string> | string;
  readonly label?: string;
}

export interface RedHatYamlDouble {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => Promise<string> | string,
    label?: string,
  ): boolean;
  /** Test side: the contributors registered so far, and every call that broke the API's rules. */
  readonly contributors: readonly RecordedContributor[];
  readonly misuses: readonly string[];
  /** What Red Hat's server would get for a document: the schema URI a contributor names, then its content. */
  schemaFor(resource: string): Promise<{ uri: string; content: string } | undefined>;
}

export function activate(): RedHatYamlDouble {
  const contributors: RecordedContributor[] = [];
  const misuses: string[] = [];
  return {
    contributors,
    misuses,
    registerContributor(schema, requestSchema, requestSchemaContent, label) {
      // As the real one: a name registers once, and requestSchema is required.
      if (contributors.some((contributor) => contributor.schema === schema)) {
        misuses.push(`contributor ${schema} registered twice`);
        return false;
      }
      if (typeof requestSchema !== 'function') throw new Error('Illegal parameter for requestSchema.');
      if (!/^[a-z][a-z0-9+.-]*$/.test(schema)) misuses.push(`contributor name ${schema} is no URI scheme`);
      contributors.push({ schema, requestSchema, requestSchemaContent, label });
      return true;
    },
    async schemaFor(resource) {
      for (const contributor of contributors) {
        const uri = contributor.requestSchema(resource);
        if (!uri) continue;
        // The real extension routes a content request to the contributor named by the URI's scheme.
        const scheme = uri.slice(0, uri.indexOf(':'));
        const owner = contributors.find((candidate) => candidate.schema === scheme);
        if (!owner) {
          misuses.push(`schema ${uri} has a scheme no contributor is named after`);
          return undefined;
        }
        return { uri, content: await owner.requestSchemaContent(uri) };
      }
      return undefined;
    },
  };
}

export function deactivate(): void {}
