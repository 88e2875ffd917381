// Counts the pictures the page is fetching. In a browser-hosted VS Code every webview shares one service worker,
// and a webview closed while its pictures are still in flight holds up the next webview's load until those
// fetches time out; the host (and tests, before closing an editor) can see when none is in flight.

export class PictureLoads {
  private loading = 0;

  constructor(private readonly onChange: (loading: number) => void) {}

  /** Counts `image` until it has loaded or failed; call before setting its src. */
  track(image: HTMLImageElement): void {
    const settle = this.start();
    const settled = () => {
      image.removeEventListener('load', settled);
      image.removeEventListener('error', settled);
      settle();
    };
    image.addEventListener('load', settled);
    image.addEventListener('error', settled);
  }

  /** Counts one fetch from now until the function it returns is called (once; later calls do nothing). */
  start(): () => void {
    this.change(+1);
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.change(-1);
    };
  }

  private change(delta: number): void {
    const before = this.loading;
    this.loading += delta;
    // Only the moves between "none" and "some" are worth a message.
    if ((before === 0) !== (this.loading === 0)) this.onChange(this.loading);
  }
}
