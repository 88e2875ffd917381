import { connectToHost, vsCodeApi } from '../../../../../src/webviews/app/hostConnection';
import { type FromProbe, type PageDescription, probeMessageNames, type ToProbe } from '../contract';

/**
 * The probe connects only after a pause, as an app that first loads a library or its data would.
 * VS Code itself holds messages until the page has loaded, but not until it listens: without the
 * host's ready handshake, what the host posted meanwhile would be lost.
 */
const CONNECT_DELAY_MS = 300;

function connect(): void {
  const host = connectToHost<ToProbe, FromProbe>({
    accepts: probeMessageNames.toWebview,
    onFault: (fault) => host.post('dropped', { problem: fault.problem }),
    onMessage: (message) => {
      switch (message.type) {
        case 'ping':
          host.post('pong', message.payload);
          break;
        case 'describe':
          host.post('description', describePage());
          break;
        case 'sendMalformed': {
          const malformed: unknown[] = ['just text', { payload: 1 }, { type: 'notInTheContract', payload: 1 }];
          // Past the typed connection, which would not let them through.
          for (const value of malformed) vsCodeApi().postMessage(value);
          host.post('malformedSent', { count: malformed.length });
          break;
        }
      }
    },
  });
}

function describePage(): PageDescription {
  const themed = document.createElement('div');
  // Set through the CSSOM, which the policy allows, unlike a style attribute in markup.
  themed.style.color = 'var(--vscode-foreground)';
  themed.style.backgroundColor = 'var(--vscode-editor-background)';
  document.body.append(themed);
  const body = getComputedStyle(document.body);
  const themedStyle = getComputedStyle(themed);
  const description: PageDescription = {
    bodyClasses: [...document.body.classList],
    editorBackgroundVariable: getComputedStyle(document.documentElement)
      .getPropertyValue('--vscode-editor-background')
      .trim(),
    bodyBackground: body.backgroundColor,
    themedBackground: themedStyle.backgroundColor,
    bodyColor: body.color,
    themedColor: themedStyle.color,
    evalBlocked: evalIsBlocked(),
  };
  themed.remove();
  return description;
}

function evalIsBlocked(): boolean {
  try {
    return new Function('return 1')() !== 1;
  } catch {
    return true;
  }
}

setTimeout(connect, CONNECT_DELAY_MS);
