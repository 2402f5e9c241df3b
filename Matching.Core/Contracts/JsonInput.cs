using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Matching.Contracts;

/// <summary>Why a JSON document could not be read: the field's path ("availability[0].from", "" for the whole) and a message.</summary>
/// <param name="Field">The offending field's path; empty when the whole document is wrong.</param>
/// <param name="Message">What is wrong, in words without .NET type names.</param>
internal readonly record struct JsonInputError(string Field, string Message);

/// <summary>
/// Reads one document with <see cref="DocumentJson.Options"/> and, when it cannot, says where and why from the data the
/// reader and the contract give (the token position, the JSON path, the declared property types), never from the
/// runtime's English message text. The API's bodies and the JSON-lines imports both read through here, so a caller
/// gets the same words from either.
/// </summary>
internal static class JsonInput
{
    /// <summary>The message for a field the contract does not have.</summary>
    public static string UnknownField(string name) =>
        $"Unknown field '{name}': the format has no such field (and never stores names, addresses or national numbers).";

    /// <summary>The message for a document nested deeper than <see cref="JsonSerializerOptions.MaxDepth"/>.</summary>
    public const string TooDeep = "The JSON is nested too deeply.";

    /// <summary>Reads a <typeparamref name="T"/>; null with the error when the bytes are not one.</summary>
    /// <remarks>A JSON <c>null</c> reads as null without an error: the caller decides what that means.</remarks>
    public static T? Read<T>(ReadOnlySpan<byte> utf8, out JsonInputError? error) where T : class
    {
        // The serializer refuses whatever the walk below refuses (bad syntax, too deep, an unknown field: the options
        // disallow unmapped members) and reads everything it accepts the same way, so a document it reads is the
        // answer; only a refused one is walked to say where and why. Walking every document first cost twice the read.
        try
        {
            error = null;
            return JsonSerializer.Deserialize<T>(utf8, DocumentJson.Options);
        }
        catch (JsonException)
        {
        }
        var root = DocumentJson.Options.GetTypeInfo(typeof(T));
        // First the syntax, the depth and the field names, walked beside the contract: every one of these errors is
        // known here by position and name. What is left for the serializer is a value of the wrong type.
        error = Walk(utf8, root, DocumentJson.Options.MaxDepth);
        if (error is not null) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, DocumentJson.Options);
        }
        catch (JsonException ex)
        {
            var field = Field(ex.Path);
            error = new JsonInputError(field, $"Wrong type: expected {Expected(TypeAt(root, ex.Path))}.");
            return null;
        }
    }

    private sealed record Frame(JsonTypeInfo? Info, string Path, bool IsArray)
    {
        public int Index { get; set; }
        public JsonTypeInfo? Pending { get; set; }
        public string PendingPath { get; set; } = "";
    }

    private static JsonInputError? Walk(ReadOnlySpan<byte> utf8, JsonTypeInfo root, int maxDepth)
    {
        // The reader's own limit is set far past ours so that a deep document is reported as too deep, at its path.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 1_000_000 });
        var stack = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                var frame = stack.Count == 0 ? null : stack.Peek();
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var name = reader.GetString()!;
                        var path = frame!.Path.Length == 0 ? name : $"{frame.Path}.{name}";
                        frame.PendingPath = path;
                        frame.Pending = null;
                        if (frame.Info?.Kind == JsonTypeInfoKind.Object)
                        {
                            var property = Find(frame.Info, name);
                            if (property is null) return new JsonInputError(path, UnknownField(name));
                            frame.Pending = frame.Info.Options.GetTypeInfo(property.PropertyType);
                        }
                        else if (frame.Info?.Kind == JsonTypeInfoKind.Dictionary && frame.Info.ElementType is { } valueType)
                        {
                            frame.Pending = frame.Info.Options.GetTypeInfo(valueType);
                        }
                        break;
                    }
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                    {
                        JsonTypeInfo? info;
                        string path;
                        if (frame is null) (info, path) = (root, "");
                        else if (frame.IsArray)
                        {
                            info = frame.Info?.Kind == JsonTypeInfoKind.Enumerable && frame.Info.ElementType is { } element ? frame.Info.Options.GetTypeInfo(element) : null;
                            path = $"{frame.Path}[{frame.Index++}]";
                        }
                        else (info, path) = (frame.Pending, frame.PendingPath);
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            if (reader.CurrentDepth >= maxDepth) return new JsonInputError(path, TooDeep);
                            var isArray = reader.TokenType == JsonTokenType.StartArray;
                            // A mismatched container (an array where an object belongs) is left to the serializer's type error.
                            var fits = info is not null && (isArray ? info.Kind == JsonTypeInfoKind.Enumerable : info.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary);
                            stack.Push(new Frame(fits ? info : null, path, isArray));
                        }
                        break;
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            // Only the reader throws here: the syntax is wrong at a position it knows.
            var at = ex.LineNumber is > 0 ? $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}" : $"byte {ex.BytePositionInLine + 1}";
            return new JsonInputError("", $"Malformed JSON at {at}.");
        }
        return null;
    }

    private static JsonPropertyInfo? Find(JsonTypeInfo info, string name)
    {
        var comparison = info.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var property in info.Properties)
        {
            if (string.Equals(property.Name, name, comparison)) return property;
        }
        return null;
    }

    /// <summary>"availability[0].from" from the serializer's "$.availability[0].from".</summary>
    private static string Field(string? path) => path is null ? "" : path.TrimStart('$').TrimStart('.');

    /// <summary>The declared type at a JSON path, following the contract from the root; the root's type when the path is lost.</summary>
    private static Type TypeAt(JsonTypeInfo root, string? path)
    {
        var info = root;
        if (string.IsNullOrEmpty(path)) return info.Type;
        var i = path[0] == '$' ? 1 : 0;
        while (i < path.Length)
        {
            JsonTypeInfo? next = null;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                var name = path[(i + 1)..end];
                i = end;
                next = info.Kind == JsonTypeInfoKind.Object && Find(info, name) is { } p ? info.Options.GetTypeInfo(p.PropertyType)
                    : info.Kind == JsonTypeInfoKind.Dictionary && info.ElementType is { } v ? info.Options.GetTypeInfo(v) : null;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) break;
                var inside = path[(i + 1)..end];
                i = end + 1;
                if (inside.StartsWith('\''))
                {
                    var name = inside.Trim('\'');
                    next = info.Kind == JsonTypeInfoKind.Object && Find(info, name) is { } p ? info.Options.GetTypeInfo(p.PropertyType) : null;
                }
                else if (info.ElementType is { } element) next = info.Options.GetTypeInfo(element);
            }
            if (next is null) break;
            info = next;
        }
        return info.Type;
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))) return "an array";
        return "an object";
    }
}
