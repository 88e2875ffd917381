// The probe: a test-only webview that answers the host, to prove the foundation in a real VS Code.
import type { ContractNames } from '../../../../src/webviews/messaging';

export type ToProbe = {
  ping: { sequence: number; text: string };
  /** Asks the page to describe itself: theme, styles, whether its policy blocks eval. */
  describe: null;
  /** Asks the page to post messages outside the contract, then `malformedSent`. */
  sendMalformed: null;
};

export type FromProbe = {
  pong: { sequence: number; text: string };
  description: PageDescription;
  malformedSent: { count: number };
  /** The page dropped something the host posted. */
  dropped: { problem: string };
};

export interface PageDescription {
  bodyClasses: string[];
  /** The value VS Code gives --vscode-editor-background on this page. */
  editorBackgroundVariable: string;
  /** Computed colours of <body> and of an element coloured with the theme's variables directly. */
  bodyBackground: string;
  themedBackground: string;
  bodyColor: string;
  themedColor: string;
  /** Whether the page was refused running code made from a string. */
  evalBlocked: boolean;
}

export const probeMessageNames = {
  toWebview: { ping: true, describe: true, sendMalformed: true },
  fromWebview: { pong: true, description: true, malformedSent: true, dropped: true },
} as const satisfies ContractNames<ToProbe, FromProbe>;
