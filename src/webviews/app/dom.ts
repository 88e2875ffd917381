/** Small DOM builders the panel pages share. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const result = document.createElement(tag);
  if (className) result.className = className;
  if (text !== undefined) result.textContent = text;
  return result;
}

/** A button that is never a form's submit button. */
export function button(label: string, onClick: () => void): HTMLButtonElement {
  const result = element('button', undefined, label);
  result.type = 'button';
  result.addEventListener('click', onClick);
  return result;
}
