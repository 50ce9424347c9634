"""The domain: every rule of domain.md lives here once, grouped by capability over `platform`.

Importing `services` loads the modules that declare session listeners (the notice
push feed, the follow-on updates), so they are in force whatever a caller imports first.
"""

from services.credit import referrals, risk  # noqa: F401
from services.notices import notice_events  # noqa: F401
from services.records import revocation  # noqa: F401
