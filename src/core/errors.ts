/** Turns anything thrown into a one-line message for people and a detail block for the log. */
export function describeError(error: unknown): { message: string; detail?: string } {
  if (error instanceof Error) {
    return { message: error.message || error.name, detail: error.stack };
  }
  if (typeof error === 'string') {
    return { message: error };
  }
  try {
    return { message: JSON.stringify(error) };
  } catch {
    return { message: String(error) };
  }
}
