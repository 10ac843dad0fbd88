"""The reader side: releases frozen at publication and everything readers and clients get from them.

Import rule: ``releases`` may import ``events``, ``briefings``, ``sources`` and
``core``; nothing imports ``releases`` (the editorial workflow reaches the
publisher through the seam ``briefings.publication``, registered in
``ReleasesConfig.ready``). Enforced by import-linter (``.importlinter``).
"""
