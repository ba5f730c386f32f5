using System.Threading.Channels;
using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Audit;

/// <summary>
/// Writes the audit rows of reads, refusals and failures in batches, off the request path (decision 0006).
/// A write's own row never comes here: it commits inside the write's transaction (<see cref="ClinicDbContext"/>).
/// <para>
/// Requests hand their row to a bounded queue and answer; one background loop inserts whatever has queued up as
/// one multi-row INSERT and one commit. Under load a batch holds hundreds of rows, so a read costs the database a
/// fraction of a commit instead of a whole one. When the queue is full (the database is slower than the reads),
/// requests wait for room rather than drop rows. A failed batch is retried; at shutdown the queue is drained.
/// A hard crash can lose what was queued and not yet committed: at most the last few milliseconds of read records.
/// </para>
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, ILogger<AuditWriter> logger) : BackgroundService
{
    /// <summary>Rows per INSERT at most.</summary>
    public const int MaxBatch = 500;

    private static readonly TimeSpan[] s_retryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Queues one row; waits only when the queue is full.</summary>
    public ValueTask EnqueueAsync(AuditEvent audit) => _queue.Writer.WriteAsync(new Item(audit, null));

    /// <summary>Completes once every row queued before this call is committed (or was given up on and logged).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Item(null, flushed)))
        {
            // Full, or stopped (the final drain writes what is left).
            try
            {
                await _queue.Writer.WriteAsync(new Item(null, flushed), ct);
            }
            catch (ChannelClosedException)
            {
                return;
            }
        }

        await flushed.Task.WaitAsync(ct);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEvent>(MaxBatch);
        var flushes = new List<TaskCompletionSource>();
        // Not stoppingToken: at shutdown the writer is completed and the loop drains what is queued, then ends.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item.Event is { } audit)
                {
                    batch.Add(audit);
                }
                else
                {
                    flushes.Add(item.Flushed!);
                    break;
                }
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batch);
                batch.Clear();
            }

            flushes.ForEach(f => f.TrySetResult());
            flushes.Clear();
        }
    }

    private async Task WriteAsync(List<AuditEvent> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ClinicDbContext>();
                db.AuditEvents.AddRange(batch);
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
            {
                if (attempt == s_retryDelays.Length)
                {
                    // Ids only: trace ids let an operator match the lost rows to the request log.
                    logger.LogError(e, "Could not record {Count} audit events after {Attempts} attempts (traces {FirstTraceId} to {LastTraceId})",
                        batch.Count, attempt + 1, batch[0].TraceId, batch[^1].TraceId);
                    return;
                }

                logger.LogWarning("Audit batch of {Count} events not written ({Error}); retrying", batch.Count, e.GetType().Name);
                await Task.Delay(s_retryDelays[attempt], CancellationToken.None);
            }
        }
    }

    private readonly record struct Item(AuditEvent? Event, TaskCompletionSource? Flushed);
}
