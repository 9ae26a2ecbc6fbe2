namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// The bookkeeping of an all-gather between a fixed number of workers, for one caller at a time: the messages of the
/// open rounds, and the last finished round, kept so that a worker that asks again (a retried call) gets the same
/// answer. A round is forgotten once finished: every worker holds its result by then.
/// </summary>
public sealed class ExchangeRounds(int workers)
{
    private readonly Dictionary<long, (byte[]?[] Messages, TaskCompletionSource<byte[][]> Done)> _open = [];
    private (long Round, Task<byte[][]> Result)? _finished;

    public int Workers { get; } = workers > 0 ? workers : throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least one worker");

    private string? _stopped;

    public bool Stopped => _stopped is not null;

    /// <summary>Every worker's message of the round, once all have sent.</summary>
    public Task<byte[][]> Send(long round, int rank, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_stopped is not null) throw new RunStoppedException(_stopped);
        if (rank < 0 || rank >= Workers) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"workers are numbered 0 to {Workers - 1}");
        if (_finished is { } last && round <= last.Round)
            return round == last.Round ? last.Result : throw new InvalidOperationException($"round {round} is over (the exchange is at round {last.Round + 1})");
        if (!_open.TryGetValue(round, out var open))
            _open[round] = open = (new byte[]?[Workers], new TaskCompletionSource<byte[][]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (open.Messages[rank] is { } sent)
            return sent.AsSpan().SequenceEqual(message) ? open.Done.Task : throw new InvalidOperationException($"worker {rank} sent two different messages in round {round}");
        open.Messages[rank] = message;
        if (open.Messages.All(m => m is not null))
        {
            _open.Remove(round);
            _finished = (round, open.Done.Task);
            open.Done.SetResult(open.Messages!);
        }
        return open.Done.Task;
    }

    /// <summary>Ends the exchange: the workers waiting on a round, and any that send later, get a <see cref="RunStoppedException"/>.</summary>
    public void Stop(string reason)
    {
        _stopped ??= reason;
        foreach (var (_, done) in _open.Values) done.TrySetException(new RunStoppedException(reason));
        _open.Clear();
    }
}

/// <summary>The run's exchange was stopped (a worker was lost, say); the workers stop where they are.</summary>
public sealed class RunStoppedException(string message) : Exception(message);
