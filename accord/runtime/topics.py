"""Creating the topics a service needs, on start and again after a broker restart.

The embedded broker loses every topic when it restarts, and a real cluster usually has topic
auto-creation switched off, so the runtime creates its topics itself (already existing topics
are fine).
"""

from __future__ import annotations

from collections.abc import Iterable

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from accord.errors import RuntimeFailure
from accord.runtime.settings import KafkaSettings

DEFAULT_PARTITIONS = 3


def ensure_topics(
    settings: KafkaSettings,
    topics: Iterable[str],
    *,
    partitions: int = DEFAULT_PARTITIONS,
    replication_factor: int = 1,
    timeout: float = 15.0,
) -> list[str]:
    """Create the topics that do not exist yet; returns the names created (sorted)."""
    wanted = sorted(set(topics))
    if not wanted:
        return []
    admin = AdminClient(settings.config())
    try:
        existing = set(admin.list_topics(timeout=timeout).topics)
    except KafkaException as exc:
        raise RuntimeFailure(
            f"cannot list topics on {settings.bootstrap_servers}: {exc.args[0].str()}",
            hint="is the broker running? (`accord dev status`)",
        ) from None
    missing = [t for t in wanted if t not in existing]
    if not missing:
        return []
    futures = admin.create_topics(
        [NewTopic(t, partitions, replication_factor) for t in missing],
        operation_timeout=timeout,
        request_timeout=timeout,
    )
    created = []
    for topic, future in sorted(futures.items()):
        try:
            future.result()
            created.append(topic)
        except KafkaException as exc:
            error: KafkaError = exc.args[0]
            if error.code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise RuntimeFailure(f"cannot create topic {topic!r}: {error.str()}") from None
    return created
