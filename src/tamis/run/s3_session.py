"""One botocore session with the S3 service model loaded, made once in the forkserver.

A run whose inputs or OUT are on ``s3://`` has the forkserver import this module ahead
(:func:`tamis.run.warm.warm_workers`), and every worker forked from it builds its S3
client on this session: the service model, endpoint rules and partitions (a few MB of Python
dicts, about a quarter of a second to load) are then loaded once and shared, page for page,
instead of again in every worker. Importing it makes no request and reads no credential;
those are found when a client is built, in the worker, as before.
"""

from __future__ import annotations

import aiobotocore.session

SESSION = aiobotocore.session.AioSession()
_loader = SESSION.get_component("data_loader")
for _kind in ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2"):
    _loader.load_service_model("s3", _kind)
for _name in ("endpoints", "partitions", "sdk-default-configuration"):
    _loader.load_data(_name)
