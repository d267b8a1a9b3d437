package io.ringmetrics.writer;

import io.ringmetrics.snapshot.MetricsSnapshot;

import java.util.concurrent.CompletableFuture;

/**
 * A request served by the writer between two batches: a full snapshot, or only a barrier (everything published
 * before the request is applied when it completes).
 */
final class SnapshotRequest
{
    final boolean barrierOnly;
    final CompletableFuture<MetricsSnapshot> result = new CompletableFuture<>();

    SnapshotRequest(final boolean barrierOnly)
    {
        this.barrierOnly = barrierOnly;
    }
}
