namespace Matching.Ranking;

/// <summary>
/// Keeps the k best (score, item) pairs without sorting everything: a binary heap whose root is the worst kept.
/// Ties are broken by a caller-given order (ascending id), so the result is deterministic.
/// </summary>
internal sealed class TopK
{
    private readonly double[] _scores;
    private readonly int[] _items;
    private readonly Func<int, int, int> _tieOrder; // < 0 when the first item ranks before the second
    private int _count;

    public TopK(int k, Func<int, int, int> tieOrder)
    {
        _scores = new double[Math.Max(k, 0)];
        _items = new int[Math.Max(k, 0)];
        _tieOrder = tieOrder;
    }

    public int Count => _count;

    /// <summary>Whether a new score could enter at all (a cheap test before the exact one).</summary>
    public bool CouldEnter(double score) => _count < _scores.Length || score >= _scores[0];

    public void Offer(double score, int item)
    {
        if (_scores.Length == 0) return;
        if (_count < _scores.Length)
        {
            _scores[_count] = score;
            _items[_count] = item;
            SiftUp(_count++);
            return;
        }
        if (!Better(score, item, _scores[0], _items[0])) return;
        _scores[0] = score;
        _items[0] = item;
        SiftDown(0);
    }

    /// <summary>The kept pairs, best first.</summary>
    public List<(double Score, int Item)> ToSortedList()
    {
        var list = new List<(double Score, int Item)>(_count);
        for (var i = 0; i < _count; i++) list.Add((_scores[i], _items[i]));
        list.Sort((a, b) => Better(a.Score, a.Item, b.Score, b.Item) ? -1 : Better(b.Score, b.Item, a.Score, a.Item) ? 1 : 0);
        return list;
    }

    private bool Better(double s1, int i1, double s2, int i2) => s1 > s2 || (s1 == s2 && _tieOrder(i1, i2) < 0);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Better(_scores[parent], _items[parent], _scores[i], _items[i])) break;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var l = 2 * i + 1;
            var r = l + 1;
            var worst = i;
            if (l < _count && Better(_scores[worst], _items[worst], _scores[l], _items[l])) worst = l;
            if (r < _count && Better(_scores[worst], _items[worst], _scores[r], _items[r])) worst = r;
            if (worst == i) return;
            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_items[a], _items[b]) = (_items[b], _items[a]);
    }
}
