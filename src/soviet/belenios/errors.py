"""The one error of the Belenios protocol code: input that does not hold.

InputError                  (soviet.errors)
 └── BeleniosError          a message, proof, share or archive that fails a check
"""

from __future__ import annotations

from soviet.errors import InputError


class BeleniosError(InputError):
    """A message, proof or archive that fails a check; the text names what and where."""
