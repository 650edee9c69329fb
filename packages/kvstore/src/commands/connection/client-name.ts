import { CommandError } from '../../command-error.js';

/** Names are printable ASCII without spaces, as CLIENT SETNAME requires. */
export function validateClientName(name: string): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) {
      throw new CommandError(
        'ERR Client names cannot contain spaces, newlines or special characters.',
      );
    }
  }
}
