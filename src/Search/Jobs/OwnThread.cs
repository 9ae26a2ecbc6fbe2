using AutoDesign.Modeling.Torch;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Long work on the processor — training, building a scorer, scoring, measuring a device — runs on a thread of its
/// own, so that the thread pool stays free for whatever else the process serves (in the service: the API, the
/// dashboard and the silo). Awaiting it gives the thread back; the caller resumes where it was.
/// </summary>
public static class OwnThread
{
    public static Task<T> RunAsync<T>(Func<T> work) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                return work();
            }
            finally
            {
                TorchRuntime.ReleaseFreedMemory(); // each such thread can leave gigabytes of freed memory in an arena of its own
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
}
