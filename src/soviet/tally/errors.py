"""The errors a count can raise: all of them are bad input, so all are `InputError`s.

InputError                  (soviet.errors)
 └── TallyError             a count that cannot be made as asked: unknown method,
      │                     seats < 1, an option the rule does not take
      ├── ProfileError      a profile that is not a valid set of ballots
      └── ApportionmentError  an apportionment that cannot be made as asked
                            (`soviet.tally._apportionment_results`)
"""

from __future__ import annotations

from soviet.errors import InputError


class TallyError(InputError):
    """A count that cannot be made as asked; the message names the argument and the fix."""


class ProfileError(TallyError):
    """Ballots that do not form a valid profile; the message names the row and the problem."""
