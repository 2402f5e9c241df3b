namespace Matching.Validation;

/// <summary>Errors found at the boundary, keyed by the offending field's path (e.g. "availability[1].to").</summary>
/// <remarks>The shape of RFC 9457 validation problem details; not thread-safe while being filled.</remarks>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether no error was added.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Adds an error for a field.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>Adds every error of another set under a prefix (e.g. "newcomer").</summary>
    public void AddAll(ValidationErrors other, string prefix = "")
    {
        foreach (var (field, messages) in other._errors)
        {
            var name = prefix.Length == 0 ? field : field.Length == 0 ? prefix : $"{prefix}.{field}";
            foreach (var m in messages) Add(name, m);
        }
    }

    /// <summary>The errors by field, as ASP.NET's ValidationProblem expects them.</summary>
    public IDictionary<string, string[]> ToDictionary() =>
        _errors.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>One line per error, for logs of imports and exceptions.</summary>
    public override string ToString() =>
        string.Join("; ", _errors.OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
}

/// <summary>Thrown where a trusted caller passes data that should have been validated at the boundary.</summary>
public sealed class ValidationException : Exception
{
    /// <summary>Creates the exception from the errors.</summary>
    public ValidationException(ValidationErrors errors) : base(errors.ToString()) => Errors = errors;

    /// <summary>The errors by field.</summary>
    public ValidationErrors Errors { get; }
}
