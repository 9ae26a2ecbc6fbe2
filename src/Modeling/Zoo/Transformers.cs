using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// Pre-norm transformers as specs: <c>gpt</c> (GPT-2's block: layer norm, learned positions, GELU MLP), <c>llama</c>
/// (RMS norm, rotary positions, SiLU-gated MLP, two query heads per key/value head) and <c>vit</c> (a patch
/// embedding conv, learned positions, GELU MLP, mean-pooled tokens and a linear classifier) and
/// <c>video-transformer</c> for next-frame prediction (see <see cref="CreateVideo"/>). Every block is
/// norm -> q, k, v projections -> attention -> o projection -> residual add, then norm -> MLP -> residual add.
/// </summary>
internal static class Transformers
{
    public const int HeadSize = 32;

    // Hidden: the MLP's width, as a multiple of the model's (MlpRatio) or in channels; KvWidth: 0 for llama's
    // default of half the width.
    private sealed record Shape(int Width, int Depth, int MlpRatio, int Head = HeadSize, int Hidden = 0, int KvWidth = 0)
    {
        public int MlpWidth => Hidden > 0 ? Hidden : Width * MlpRatio;
    }

    private static readonly Shape Gpt = new(256, 4, 4), Llama = new(256, 4, 3), Vit = new(128, 4, 4), Video = new(64, 4, 4, Head: 16);

    public static ModelSpec CreateGpt(string name, InputSpec input, int classes, double width, double depth) =>
        LanguageModel(name, input, classes, Scale(Gpt, width, depth), llama: false);

    public static ModelSpec CreateLlama(string name, InputSpec input, int classes, double width, double depth) =>
        LanguageModel(name, input, classes, Scale(Llama, width, depth), llama: true);

    /// <summary>
    /// Meta's Llama-3-8B as a spec (Llama 3 model card: 32 blocks of width 4,096, 32 query heads of 128, 8 key/value
    /// heads, SiLU-gated MLP of 14,336, vocabulary 128,256), for modelling how it serves; never trained here.
    /// </summary>
    public static ModelSpec Llama3_8B(int context) =>
        LanguageModel("llama-3-8b", InputSpec.Tokens(context, 128_256), 128_256, new Shape(4096, 32, 0, Head: 128, Hidden: 14_336, KvWidth: 1024), llama: true);

    public static ModelSpec CreateVit(string name, InputSpec input, int classes, double width, double depth)
    {
        if (input.IsTokens) throw new ArgumentException($"model '{name}' classifies images; {input} is a token input");
        var shape = Scale(Vit, width, depth);
        int patch = input.Height % 4 == 0 && input.Width % 4 == 0 ? 4 : throw new ArgumentException(
            $"model '{name}' cuts images into 4x4 patches; {input.Height}x{input.Width} is not a multiple of 4");
        var b = new SpecBuilder(name, input, classes);
        b.Conv("patches", shape.Width, kernel: patch, stride: patch, padding: 0, batchNorm: false, activation: Activation.None);
        b.Layer(new LayerSpec { Name = "positions", Op = LayerOp.PositionEmbedding });
        string stream = b.Last;
        for (int i = 0; i < shape.Depth; i++)
            stream = Block(b, $"block{i}", stream, shape, causal: false, llama: false);
        b.Layer(new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm });
        b.GlobalAvgPool("pool");
        b.Linear("head", classes);
        return b.Build();
    }

    /// <summary>
    /// A spatio-temporal transformer that predicts a clip's next frame: it reads the clip in patch layout
    /// (<see cref="InputSpec.Video"/>), embeds each patch's pixels by a projection, adds learned positions (one per frame
    /// and patch), runs non-causal pre-norm blocks over all frames' patches at once (positions frame by frame, so spatial
    /// and temporal heads apply as they are), keeps the newest frame's positions and maps each, after a layer norm,
    /// to its patch's pixels in the next frame through a sigmoid.
    /// </summary>
    public static ModelSpec CreateVideo(string name, InputSpec input, int classes, double width, double depth)
    {
        if (!input.IsVideo) throw new ArgumentException($"model '{name}' predicts the next frame of a video clip in patches (a video input); {input} is not one");
        var shape = Scale(Video, width, depth);
        var b = new SpecBuilder(name, input, classes);
        b.Projection("patches", shape.Width);
        b.Layer(new LayerSpec { Name = "positions", Op = LayerOp.PositionEmbedding });
        string stream = b.Last;
        for (int i = 0; i < shape.Depth; i++)
            stream = Block(b, $"block{i}", stream, shape, causal: false, llama: false);
        b.Layer(new LayerSpec { Name = "newest", Op = LayerOp.LastRow });
        b.Layer(new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm });
        b.Projection("head", classes, Activation.Sigmoid);
        return b.Build();
    }

    private static ModelSpec LanguageModel(string name, InputSpec input, int classes, Shape shape, bool llama)
    {
        if (!input.IsTokens) throw new ArgumentException($"model '{name}' is a language model; it reads tokens, not {input} images");
        var b = new SpecBuilder(name, input, classes);
        b.Layer(new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = shape.Width });
        if (!llama) b.Layer(new LayerSpec { Name = "positions", Op = LayerOp.PositionEmbedding });
        string stream = b.Last;
        for (int i = 0; i < shape.Depth; i++)
            stream = Block(b, $"block{i}", stream, shape, causal: true, llama);
        b.Layer(new LayerSpec { Name = "norm", Op = llama ? LayerOp.RmsNorm : LayerOp.LayerNorm });
        b.Projection("head", classes);
        return b.Build();
    }

    private static string Block(SpecBuilder b, string id, string stream, Shape shape, bool causal, bool llama)
    {
        var norm = llama ? LayerOp.RmsNorm : LayerOp.LayerNorm;
        int kv = !llama ? shape.Width : shape.KvWidth > 0 ? shape.KvWidth : shape.Width / 2; // llama: query heads share key/value heads
        string x = b.Layer(new LayerSpec { Name = $"{id}_norm1", Op = norm, Inputs = [stream] });
        string q = b.Projection($"{id}_q", shape.Width, input: x);
        string k = b.Projection($"{id}_k", kv, input: x);
        string v = b.Projection($"{id}_v", kv, input: x);
        b.Layer(new LayerSpec { Name = $"{id}_attention", Op = LayerOp.Attention, Inputs = [q, k, v], HeadSize = shape.Head, Causal = causal, Rotary = llama });
        b.Projection($"{id}_o", shape.Width);
        stream = b.Residual($"{id}_add1", [stream, b.Last]);
        x = b.Layer(new LayerSpec { Name = $"{id}_norm2", Op = norm, Inputs = [stream] });
        int hidden = shape.MlpWidth;
        if (llama)
        {
            string gate = b.Projection($"{id}_gate", hidden, Activation.Silu, input: x);
            string up = b.Projection($"{id}_up", hidden, input: x);
            b.Layer(new LayerSpec { Name = $"{id}_gated", Op = LayerOp.Mul, Inputs = [gate, up] });
        }
        else b.Projection($"{id}_up", hidden, Activation.Gelu, input: x);
        b.Projection($"{id}_down", shape.Width);
        return b.Residual($"{id}_add2", [stream, b.Last]);
    }

    // Width in whole pairs of heads, depth in whole blocks.
    private static Shape Scale(Shape shape, double width, double depth) =>
        new(Math.Max(2, (int)Math.Round(shape.Width * width / (2 * shape.Head))) * 2 * shape.Head, Math.Max(1, (int)Math.Round(shape.Depth * depth)), shape.MlpRatio, shape.Head);
}
