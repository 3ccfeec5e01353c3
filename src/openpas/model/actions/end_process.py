"""End Process: the flow completes.

.. code-block:: yaml

    - end process
"""

from __future__ import annotations

from openpas.model.actions.base import ActionSpec, Where, action


@action
class EndProcess(ActionSpec):
    """Complete the flow."""

    kind = "end process"
    where = Where.STATE
    bare = True
    terminal = True
