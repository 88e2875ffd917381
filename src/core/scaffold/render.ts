/**
 * Turns one template file into the file a project gets. Templates are Eta: `<%= it.name %>` puts a value in,
 * `<% if (it.x) { -%>` … `<% } -%>` keeps lines for one choice (`-%>` drops the newline after the tag). GitHub's
 * `${{ }}`, Azure DevOps' `$( )` and Bicep's `${ }` pass through untouched. Values are not escaped: the output is
 * YAML, Python, HCL or Markdown, never HTML.
 */
import { Eta } from 'eta';

/** Files copied byte for byte: images and other binary samples are never rendered. */
const BINARY_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.ico', '.zip', '.parquet']);

export function isBinaryTemplate(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot >= 0 && BINARY_EXTENSIONS.has(path.slice(dot).toLowerCase());
}

/** A template that does not render: the message names the file and the line. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    reason: string,
  ) {
    super(`The template ${template} does not render: ${reason}`);
    this.name = 'TemplateError';
  }
}

let engine: Eta | undefined;

export function renderTemplate(templatePath: string, text: string, context: object): string {
  engine ??= new Eta({ autoEscape: false, autoTrim: false, cache: false, useWith: false });
  try {
    return engine.renderString(text, context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TemplateError(templatePath, reason);
  }
}
