using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AutoDesign.Search.Agents.Ddpg;

/// <summary>The policy network: state -> action in [0, 1].</summary>
internal sealed class Actor : Module<Tensor, Tensor>
{
    private readonly Linear fc1, fc2, fc3;

    public Actor(int features, int hidden) : base("actor")
    {
        fc1 = Linear(features, hidden);
        fc2 = Linear(hidden, hidden);
        fc3 = Linear(hidden, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor state) =>
        functional.sigmoid(fc3.forward(functional.relu(fc2.forward(functional.relu(fc1.forward(state))))));
}

/// <summary>The value network: (state, action) -> expected reward; state and action meet in the first hidden layer.</summary>
internal sealed class Critic : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear stateIn, actionIn, fc2, fc3;

    public Critic(int features, int hidden) : base("critic")
    {
        stateIn = Linear(features, hidden);
        actionIn = Linear(1, hidden);
        fc2 = Linear(hidden, hidden);
        fc3 = Linear(hidden, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor state, Tensor action) =>
        fc3.forward(functional.relu(fc2.forward(functional.relu(stateIn.forward(state) + actionIn.forward(action)))));
}
