import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CommandId,
  ContextKey,
  DETAILS_SCHEME,
  NodeContext,
  SETTING_DEFAULTS,
  SettingSection,
  ViewContainerId,
  ViewId,
} from '../../src/constants';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; when?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
const contributes = manifest.contributes;
const whenClauses = [
  ...contributes.viewsWelcome.map((entry) => entry.when),
  ...Object.values(contributes.menus).flatMap((entries) => entries.map((entry) => entry.when)),
].filter((when): when is string => !!when);

/** The values a `viewItem` test accepts: `== x`, `!= x`, or a `=~ /^azureml\.(a|b)$/` alternation. */
function viewItemValues(when: string): string[] {
  const values: string[] = [];
  for (const [, value] of when.matchAll(/viewItem\s*[!=]=\s*([\w.]+)/g)) values.push(value);
  for (const [, prefix, alternatives] of when.matchAll(/viewItem\s*=~\s*\/\^([\w\\.]*)\(([^)]*)\)\$\//g)) {
    for (const alternative of alternatives.split('|')) values.push(`${prefix}${alternative}`.replace(/\\\./g, '.'));
  }
  return values;
}

/** Bare context keys a clause reads: operands that are not the right-hand side of a comparison. */
function contextKeysRead(when: string): string[] {
  const withoutValues = when.replace(/(==|!=|=~)\s*(\/(\\.|[^/])*\/|[\w.-]+)/g, '');
  return [...withoutValues.matchAll(/\bazureml\.[\w.]+/g)].map(([key]) => key);
}

describe('manifest and code agree', () => {
  it('contributes exactly the commands the code registers', () => {
    assert.deepEqual(contributes.commands.map((c) => c.command).sort(), Object.values(CommandId).sort());
    const menuCommands = Object.values(contributes.menus).flatMap((entries) => entries.map((entry) => entry.command));
    for (const command of menuCommands) {
      assert.ok((Object.values(CommandId) as string[]).includes(command), `menu names unknown command ${command}`);
    }
  });

  it('declares every setting with the default the code uses, and no other', () => {
    const declared = Object.fromEntries(
      Object.entries(contributes.configuration.properties).map(([name, property]) => [name, property.default]),
    );
    const expected = Object.fromEntries(
      Object.entries(SETTING_DEFAULTS).map(([name, value]) => [`${SettingSection}.${name}`, value]),
    );
    assert.deepEqual(declared, expected);
  });

  it('contributes the views the code knows', () => {
    assert.deepEqual(
      contributes.views[ViewContainerId].map((view) => view.id),
      Object.values(ViewId),
    );
    for (const { view } of contributes.viewsWelcome) {
      assert.ok((Object.values(ViewId) as string[]).includes(view), `welcome for unknown view ${view}`);
    }
  });

  it('reads only context keys the code sets, and every one the code sets is read', () => {
    const read = new Set(whenClauses.flatMap(contextKeysRead));
    assert.deepEqual([...read].sort(), Object.values(ContextKey).sort());
  });

  it('matches menus only against tree item contextValues the code gives', () => {
    const known = new Set<string>(Object.values(NodeContext));
    const used = whenClauses.flatMap(viewItemValues);
    assert.ok(used.length > 10, `found the viewItem tests (${used.length})`);
    for (const value of used) assert.ok(known.has(value), `menu matches "${value}", which no node has`);
    for (const when of whenClauses) {
      const scheme = /resourceScheme == ([\w-]+)/.exec(when)?.[1];
      if (scheme) assert.equal(scheme, DETAILS_SCHEME);
    }
  });
});
