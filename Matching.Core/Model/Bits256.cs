using System.Numerics;
using System.Runtime.CompilerServices;

namespace Matching.Model;

/// <summary>A fixed 256-bit set, stored inline in four words; used for interests and languages in the hot loop.</summary>
internal readonly record struct Bits256(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public const int Capacity = Words * WordBits;

    /// <summary>Bits in a word; a bit's word is bit &gt;&gt; <see cref="WordShift"/>, its place in it bit &amp; <see cref="BitInWord"/>.</summary>
    internal const int WordBits = 64;
    internal const int WordShift = 6;
    internal const int BitInWord = WordBits - 1;
    private const int Words = 4;

    public static Bits256 Empty => default;

    public bool IsEmpty => (W0 | W1 | W2 | W3) == 0;

    public int Count => BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    public Bits256 With(int bit)
    {
        if ((uint)bit >= Capacity) throw new ArgumentOutOfRangeException(nameof(bit));
        var mask = 1UL << (bit & BitInWord);
        return (bit >> WordShift) switch
        {
            0 => this with { W0 = W0 | mask },
            1 => this with { W1 = W1 | mask },
            2 => this with { W2 = W2 | mask },
            _ => this with { W3 = W3 | mask },
        };
    }

    public bool Contains(int bit)
    {
        var word = (bit >> WordShift) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
        return (word & (1UL << (bit & BitInWord))) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bits256 operator &(Bits256 a, Bits256 b) => new(a.W0 & b.W0, a.W1 & b.W1, a.W2 & b.W2, a.W3 & b.W3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bits256 operator |(Bits256 a, Bits256 b) => new(a.W0 | b.W0, a.W1 | b.W1, a.W2 | b.W2, a.W3 | b.W3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bits256 operator ~(Bits256 a) => new(~a.W0, ~a.W1, ~a.W2, ~a.W3);

    /// <summary>
    /// The set bits folded into <paramref name="width"/> (at most 32) bits, bit b onto b mod width: two sets whose folds
    /// share no bit share no bit either (a one-word summary for a quick test of disjointness).
    /// </summary>
    public int Fold(int width)
    {
        var folded = 0;
        for (var w = 0; w < Words; w++)
        {
            var word = w switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
            for (; word != 0; word &= word - 1) folded |= 1 << ((w * WordBits + BitOperations.TrailingZeroCount(word)) % width);
        }
        return folded;
    }

    /// <summary>The bits that are set, in ascending order.</summary>
    public IEnumerable<int> Ones()
    {
        for (var w = 0; w < Words; w++)
        {
            var word = w switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
            while (word != 0)
            {
                var bit = BitOperations.TrailingZeroCount(word);
                yield return w * WordBits + bit;
                word &= word - 1;
            }
        }
    }
}
