import vscode = require('vscode');

/**
 * Owns every registration the extension makes. Disposing it (on deactivate, or in tests)
 * releases all of them in reverse order, so nothing outlives the extension.
 */
export class RootDisposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  track<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) {
      disposable.dispose();
    } else {
      this.owned.push(disposable);
    }
    return disposable;
  }

  dispose(): void {
    this.disposed = true;
    for (const disposable of this.owned.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch {
        // One failing dispose must not keep the others alive.
      }
    }
  }
}
