using Matching.Validation;

namespace Matching.Service;

/// <summary>How an operation ended, in terms an HTTP host maps one to one.</summary>
public enum Outcome
{
    /// <summary>Done; an existing resource.</summary>
    Ok,
    /// <summary>Done; a new resource.</summary>
    Created,
    /// <summary>The resource does not exist.</summary>
    NotFound,
    /// <summary>The request conflicts with the state (full offer, illegal transition, held places).</summary>
    Conflict,
    /// <summary>The input is invalid; see the errors.</summary>
    Invalid,
    /// <summary>The caller's If-Match names a version that is no longer the current one; nothing changed.</summary>
    Stale,
}

/// <summary>An operation's outcome with its value, or why not.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Outcome">How it ended.</param>
/// <param name="Value">The value when it succeeded.</param>
/// <param name="Detail">A sentence for a conflict or a missing resource.</param>
/// <param name="Errors">Field errors when the input was invalid.</param>
public sealed record Result<T>(Outcome Outcome, T? Value = default, string? Detail = null, ValidationErrors? Errors = null)
{
    /// <summary>An existing resource.</summary>
    public static Result<T> Ok(T value) => new(Outcome.Ok, value);
    /// <summary>A new resource.</summary>
    public static Result<T> Created(T value) => new(Outcome.Created, value);
    /// <summary>Not found, with a sentence.</summary>
    public static Result<T> NotFound(string detail) => new(Outcome.NotFound, Detail: detail);
    /// <summary>A conflict, with a sentence.</summary>
    public static Result<T> Conflict(string detail) => new(Outcome.Conflict, Detail: detail);
    /// <summary>The version the caller read is no longer the current one.</summary>
    public static Result<T> Stale() => new(Outcome.Stale, Detail: ETags.StaleDetail);

    /// <summary>The resource's version after the operation (its ETag), when it has one.</summary>
    public string? Tag { get; init; }

    /// <summary>Invalid input.</summary>
    public static Result<T> Invalid(ValidationErrors errors) => new(Outcome.Invalid, Errors: errors);

    /// <summary>Invalid input on one field.</summary>
    public static Result<T> Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return new(Outcome.Invalid, Errors: errors);
    }
}
