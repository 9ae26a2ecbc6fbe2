using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Modeling.Tests.Distributed;

public class ExchangeRoundsTests
{
    [Fact]
    public async Task A_round_finishes_when_every_worker_has_sent_and_gives_the_messages_in_worker_order()
    {
        var rounds = new ExchangeRounds(3);
        var second = rounds.Send(0, 2, [2]);
        var first = rounds.Send(0, 0, [0]);
        Assert.False(first.IsCompleted);

        var last = rounds.Send(0, 1, [1]);

        foreach (var result in new[] { first, second, last })
            Assert.Equal([[0], [1], [2]], await result);
    }

    [Fact]
    public async Task A_retried_call_gets_the_same_answer_and_a_worker_cannot_change_its_message_or_go_back()
    {
        var rounds = new ExchangeRounds(2);
        _ = rounds.Send(0, 0, [5]);
        Assert.Throws<InvalidOperationException>(() => { _ = rounds.Send(0, 0, [6]); });
        var done = await rounds.Send(0, 1, [7]);

        Assert.Same(done, await rounds.Send(0, 1, [7]));
        _ = rounds.Send(1, 0, [1]);
        _ = rounds.Send(1, 1, [1]);
        Assert.Throws<InvalidOperationException>(() => { _ = rounds.Send(0, 0, [5]); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = rounds.Send(2, 2, [1]); });
    }
}
