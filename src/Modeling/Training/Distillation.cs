using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Knowledge distillation (Hinton et al., 2015, at temperature 1, as Once-for-All trains its sub-networks): the
/// student's loss adds <see cref="Weight"/> times the cross-entropy between the teacher's softmax and the student's.
/// The teacher is only read, in evaluation mode.
/// </summary>
public sealed record Distillation(SpecNetwork Teacher, double Weight)
{
    /// <summary>
    /// The hard labels' cross-entropy plus the weighted soft one, for a batch of inputs; classes lie along dimension 1
    /// (an image's logits, or a language model's at every position).
    /// </summary>
    public Tensor Loss(Tensor logits, Tensor inputs, Tensor labels)
    {
        var hard = F.cross_entropy(logits, labels);
        if (Weight == 0) return hard;
        Tensor soft;
        using (no_grad()) soft = F.softmax(Teacher.forward(inputs), 1);
        return hard + Weight * -(soft * F.log_softmax(logits, 1)).sum(1).mean();
    }
}
