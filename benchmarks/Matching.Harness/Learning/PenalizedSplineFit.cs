namespace Matching.Harness.Learning;

/// <summary>
/// A penalised additive logistic regression: logit = b + Σⱼ fⱼ(xⱼ), each fⱼ piecewise linear through given knots and
/// flat beyond them, as a profile's shape is, fitted by Newton's method with a ridge penalty λ. A continuous feature is
/// a straight line plus one hinge per inner knot (on the feature scaled to [0, 1] between its first and last knot), the
/// penalty on the hinges, i.e. on the changes of slope: a large λ leaves straight lines. A discrete feature (a count, a
/// level) is one step per value after the first, the penalty on the steps: a value seen rarely is pulled towards its
/// neighbour rather than continuing the slope of the others. A column may be
/// "not applicable" to a row (the value <see cref="NotApplicable"/>): it then adds nothing, and an applicable row adds
/// its own constant on top of the curve.
/// </summary>
/// <remarks>Deterministic (no randomness, fixed iteration order). Not thread-safe.</remarks>
internal sealed class PenalizedSplineFit
{
    /// <summary>The value of a column that does not apply to a row.</summary>
    public const float NotApplicable = -99;

    /// <summary>Ridge on the intercept-like terms (the applicability constants and the straight lines): only to keep the system well posed.</summary>
    private const double SmallRidge = 1e-3;

    private readonly double[]?[] _knots;
    private readonly bool[] _discrete;
    private readonly bool[] _hasNotApplicable;
    private readonly int[] _offset;
    private readonly double[] _beta;

    private PenalizedSplineFit(double[]?[] knots, bool[] discrete, bool[] hasNotApplicable, int[] offset, double[] beta)
    {
        _knots = knots;
        _discrete = discrete;
        _hasNotApplicable = hasNotApplicable;
        _offset = offset;
        _beta = beta;
    }

    /// <summary>The fitted intercept.</summary>
    public double Intercept => _beta[0];

    /// <summary>Fits the model.</summary>
    /// <param name="rows">One value per column per row (<see cref="NotApplicable"/> where a column does not apply).</param>
    /// <param name="completed">The outcome of each row.</param>
    /// <param name="knots">Per column its knots in ascending order (at least two), or null for a column left out.</param>
    /// <param name="discrete">Per column whether it is discrete (steps) or continuous (line and hinges).</param>
    /// <param name="lambda">The penalty on the changes of slope (continuous) or the steps (discrete).</param>
    public static PenalizedSplineFit Fit(IReadOnlyList<float[]> rows, IReadOnlyList<bool> completed, IReadOnlyList<double[]?> knots, IReadOnlyList<bool> discrete, double lambda)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lambda);
        var columns = knots.Count;
        var hasNa = new bool[columns];
        foreach (var r in rows) for (var j = 0; j < columns; j++) hasNa[j] |= r[j] == NotApplicable;
        var offset = new int[columns + 1];
        var penalty = new List<double> { 0 }; // the intercept, free
        var k = knots.Select(x => x is { Length: >= 2 } ? x : null).ToArray();
        var p = 1;
        for (var j = 0; j < columns; j++)
        {
            offset[j] = p;
            if (k[j] is not { } t) continue;
            if (hasNa[j]) { penalty.Add(SmallRidge); p++; }
            if (discrete[j])
            {
                for (var h = 1; h < t.Length; h++) { penalty.Add(lambda + SmallRidge); p++; } // the steps
                continue;
            }
            penalty.Add(SmallRidge); p++; // the straight line
            for (var h = 1; h < t.Length - 1; h++) { penalty.Add(lambda + SmallRidge); p++; }
        }
        offset[columns] = p;
        var model = new PenalizedSplineFit(k, discrete.ToArray(), hasNa, offset, new double[p]);
        model.Newton(rows, completed, penalty.ToArray());
        return model;
    }

    /// <summary>The column's effect at x (on the logit), against a row where the column does not apply.</summary>
    public double Effect(int column, double x)
    {
        if (_knots[column] is not { } t || x == NotApplicable) return 0;
        var at = _offset[column];
        var e = 0.0;
        if (_hasNotApplicable[column]) e += _beta[at++];
        Span<double> z = stackalloc double[t.Length];
        var n = Basis(column, x, z);
        for (var b = 0; b < n; b++) e += _beta[at + b] * z[b];
        return e;
    }

    /// <summary>The predicted logit of a row.</summary>
    public double Logit(float[] row)
    {
        var s = _beta[0];
        for (var j = 0; j < _knots.Length; j++) s += Effect(j, row[j]);
        return s;
    }

    /// <summary>Mean log-loss in bits of the rows' outcomes.</summary>
    public double LogLoss(IReadOnlyList<float[]> rows, IReadOnlyList<bool> completed)
    {
        var sum = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            var p = Math.Clamp(Sigmoid(Logit(rows[i])), 1e-12, 1 - 1e-12);
            sum -= Math.Log2(completed[i] ? p : 1 - p);
        }
        return sum / Math.Max(1, rows.Count);
    }

    /// <summary>The design row: 1, then per column its applicability constant, straight line and hinges.</summary>
    private void Design(float[] row, double[] z)
    {
        Array.Clear(z);
        z[0] = 1;
        for (var j = 0; j < _knots.Length; j++)
        {
            if (_knots[j] is not { } t) continue;
            var at = _offset[j];
            var x = row[j];
            if (x == NotApplicable) continue;
            if (_hasNotApplicable[j]) z[at++] = 1;
            Basis(j, x, z.AsSpan(at));
        }
    }

    /// <summary>A column's curve terms at x: steps (discrete), or a line and hinges (continuous); returns how many.</summary>
    private int Basis(int column, double x, Span<double> z)
    {
        var t = _knots[column]!;
        if (_discrete[column])
        {
            // One ramp per gap between values: 0 before it, 1 after it, linear inside (a profile interpolates the same way).
            for (var h = 1; h < t.Length; h++) z[h - 1] = Math.Clamp((x - t[h - 1]) / (t[h] - t[h - 1]), 0, 1);
            return t.Length - 1;
        }
        var range = t[^1] - t[0];
        var u = Math.Clamp((x - t[0]) / range, 0, 1);
        z[0] = u;
        for (var h = 1; h < t.Length - 1; h++) z[h] = Math.Max(0, u - (t[h] - t[0]) / range);
        return t.Length - 1;
    }

    /// <summary>Newton's method on the penalised log-likelihood (convex: it converges from zero in a few steps).</summary>
    private void Newton(IReadOnlyList<float[]> rows, IReadOnlyList<bool> completed, double[] penalty)
    {
        var p = _beta.Length;
        var z = new double[p];
        var design = rows.Select(r => { Design(r, z); return (double[])z.Clone(); }).ToArray();
        var hessian = new double[p, p];
        var gradient = new double[p];
        for (var iteration = 0; iteration < 50; iteration++)
        {
            Array.Clear(hessian);
            for (var a = 0; a < p; a++) gradient[a] = penalty[a] * _beta[a];
            for (var a = 0; a < p; a++) hessian[a, a] = penalty[a];
            for (var i = 0; i < design.Length; i++)
            {
                var x = design[i];
                var eta = 0.0;
                for (var a = 0; a < p; a++) eta += x[a] * _beta[a];
                var mu = Sigmoid(eta);
                var w = Math.Max(mu * (1 - mu), 1e-10);
                var r = mu - (completed[i] ? 1 : 0);
                for (var a = 0; a < p; a++)
                {
                    if (x[a] == 0) continue;
                    gradient[a] += r * x[a];
                    var wx = w * x[a];
                    for (var b = 0; b <= a; b++) hessian[a, b] += wx * x[b];
                }
            }
            var step = CholeskySolve(hessian, gradient, p);
            var largest = 0.0;
            for (var a = 0; a < p; a++)
            {
                _beta[a] -= step[a];
                largest = Math.Max(largest, Math.Abs(step[a]));
            }
            if (largest < 1e-9) break;
        }
    }

    /// <summary>Solves H s = g for a symmetric positive definite H given by its lower triangle.</summary>
    private static double[] CholeskySolve(double[,] h, double[] g, int p)
    {
        var l = new double[p, p];
        for (var i = 0; i < p; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = h[i, j];
                for (var k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-12)) : s / l[j, j];
            }
        }
        var y = new double[p];
        for (var i = 0; i < p; i++)
        {
            var s = g[i];
            for (var k = 0; k < i; k++) s -= l[i, k] * y[k];
            y[i] = s / l[i, i];
        }
        var x = new double[p];
        for (var i = p - 1; i >= 0; i--)
        {
            var s = y[i];
            for (var k = i + 1; k < p; k++) s -= l[k, i] * x[k];
            x[i] = s / l[i, i];
        }
        return x;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
