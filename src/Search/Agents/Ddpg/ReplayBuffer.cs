namespace AutoDesign.Search.Agents.Ddpg;

/// <summary>One step of an episode, rewarded with the episode's final (baselined) reward.</summary>
internal sealed record Transition(float[] State, float Action, float Reward, float[] NextState, bool Terminal);

/// <summary>A fixed-capacity ring of transitions, sampled uniformly with replacement.</summary>
internal sealed class ReplayBuffer(int capacity)
{
    private readonly List<Transition> _items = new(capacity);
    private int _next;

    public int Count => _items.Count;

    public IReadOnlyList<Transition> Items => _items;

    public int NextSlot => _next;

    public void Add(Transition transition)
    {
        if (_items.Count < capacity) _items.Add(transition);
        else _items[_next] = transition;
        _next = (_next + 1) % capacity;
    }

    public Transition[] Sample(SplitMix64 random, int count) =>
        Enumerable.Range(0, count).Select(_ => _items[random.NextInt(_items.Count)]).ToArray();

    public void Load(IEnumerable<Transition> items, int next)
    {
        _items.Clear();
        _items.AddRange(items);
        _next = next;
    }
}
