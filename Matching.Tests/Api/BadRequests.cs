using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Matching.Tests.Api;

/// <summary>One request of the fuzz: what is sent, and whether the API must refuse it whatever the state.</summary>
/// <param name="Kind">The generator that made it, e.g. "body:wrongType".</param>
/// <param name="MustReject">True when the input is invalid by construction (wrong type, bad UTF-8, unknown field …): a 2xx is a bug.</param>
/// <param name="ApiKey">The X-Api-Key header, or null for none.</param>
internal sealed record FuzzRequest(string Kind, string Method, string Path, byte[]? Body, string? ContentType, bool MustReject, string? ApiKey)
{
    /// <summary>A line that says exactly what was sent, cut short for huge bodies and paths.</summary>
    public string Describe()
    {
        var body = Body is null ? "none" : Body.Length <= 240 ? Encoding.UTF8.GetString(Body) : $"{Encoding.UTF8.GetString(Body, 0, 240)}… ({Body.Length} bytes)";
        var path = Path.Length <= 160 ? Path : $"{Path[..160]}… ({Path.Length} chars)";
        return $"[{Kind}] {Method} {path} content-type={ContentType ?? "none"} mustReject={MustReject} body={body}";
    }
}

/// <summary>The ids the fuzz aims at: stored ones, so that a refused write can be seen not to change them.</summary>
internal sealed class FuzzTargets
{
    public List<string> MatchIds { get; } = [];
    public string AssignmentId { get; set; } = "a-unknown";
    /// <summary>A counter for fresh ids.</summary>
    public int Fresh { get; set; }
}

/// <summary>
/// Generates bad requests from a seeded <see cref="Random"/>: mutations of valid bodies (dropped fields, wrong types,
/// nulls, huge strings and arrays, unicode, invalid UTF-8, out-of-range numbers, NaN-like strings, duplicate keys,
/// trailing garbage, truncation, deep nesting), wrong envelopes (content types, charsets, sizes), bad ids in paths,
/// random query values and random methods on known paths. The same seed gives the same requests.
/// </summary>
internal sealed class BadRequestGenerator(Random rng, FuzzTargets targets)
{
    public const string AdminKey = ApiFactory.AdminKey;
    private const int MaxBytes = Matching.Api.Infrastructure.JsonBody.MaxBytes;
    private const string Raw = "@@RAW@@";
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Fields whose values are wire names of an enum (or a level): a value that is not exactly one name must be refused.
    private static readonly HashSet<string> EnumFields =
        ["kind", "setting", "gender", "day", "status", "reason", "mode", "lang", "dutchLevel", "min", "max", "goals", "genders", "kinds"];

    private int _fresh;

    public FuzzRequest Next()
    {
        var roll = rng.Next(100);
        return roll switch
        {
            < 52 => MutatedBody(),
            < 62 => Envelope(),
            < 75 => RandomId(),
            < 87 => RandomQuery(),
            < 97 => RandomMethod(),
            _ => WrongKey(),
        };
    }

    // ------------------------------------------------------------------ templates: valid requests to start from

    private sealed record Template(string Name, string Method, string Path, JsonObject Body);

    private Template RandomTemplate() => rng.Next(7) switch
    {
        0 => new("newcomer", "PUT", $"/api/v1/newcomers/{Pick("nc-1", "nc-2", $"fz-nc-{_fresh++}")}", Node(ApiFactory.NewcomerBody())),
        1 => new("offer", "PUT", $"/api/v1/offers/{Pick("offer-1", "offer-2", $"fz-offer-{_fresh++}")}", Node(ApiFactory.OfferBody())),
        2 => new("match", "POST", "/api/v1/matches", Node(rng.Next(2) == 0
            ? new { newcomerId = Pick("nc-1", "nc-2", "nc-3"), offerId = Pick("offer-1", "offer-2"), profile = "default" }
            : new { newcomerId = Pick("nc-1", "nc-2", "nc-3"), offerId = Pick("offer-1", "offer-2"), profile = "default", @override = new { reason = "Kent de buurt al." } })),
        3 => new("move", "PATCH", $"/api/v1/matches/{PickMatch()}", Node(rng.Next(3) switch
        {
            0 => new { status = "accepted" } as object,
            1 => new { status = "completed", hoursDone = 40 },
            _ => new { status = "stopped", hoursDone = 12, reason = "work" },
        })),
        4 => new("profile", "PUT", $"/api/v1/weight-profiles/{Pick("fz-profile", "default")}", Node(new
        {
            description = "Nabijheid telt zwaarder.",
            weights = new { distance = 2, interests = 1, language = 1, availability = 0.5 },
            levelTolerance = 1,
            distance = new { offsetKm = 1, scaleKm = 10, decay = 0.5 },
            horizonDays = 120,
        })),
        5 => new("assignment", "POST", "/api/v1/assignments", Node(new
        {
            newcomerIds = new[] { "nc-2", "nc-3" }, kinds = new[] { "languageInternship" }, mode = Pick("greedy", "optimal", "stable"),
            candidatesPerNewcomer = 5, lang = "en", profile = "default",
        })),
        _ => new("suggestion", "POST", "/api/v1/suggestions?limit=3", Node(new { newcomer = ApiFactory.NewcomerBody() })),
    };

    private static JsonObject Node(object value) => JsonSerializer.SerializeToNode(value)!.AsObject();

    // ------------------------------------------------------------------ mutated bodies

    private FuzzRequest MutatedBody()
    {
        var template = RandomTemplate();
        var (name, bytes, mustReject) = Mutate(template.Body);
        return new($"body:{template.Name}:{name}", template.Method, template.Path, bytes, "application/json", mustReject, AdminKey);
    }

    /// <summary>A slot of the JSON tree: a value with its parent, its key or index, its path and the nearest property name.</summary>
    private sealed record Slot(JsonNode Parent, string? Key, int Index, JsonNode? Value, string Path, string Property);

    private static List<Slot> Slots(JsonObject root)
    {
        var slots = new List<Slot>();
        void Walk(JsonNode node, string path, string property)
        {
            if (node is JsonObject o)
            {
                foreach (var (key, value) in o.ToList())
                {
                    slots.Add(new Slot(o, key, -1, value, $"{path}.{key}", key));
                    if (value is not null) Walk(value, $"{path}.{key}", key);
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    slots.Add(new Slot(a, null, i, a[i], $"{path}[{i}]", property));
                    if (a[i] is { } item) Walk(item, $"{path}[{i}]", property);
                }
            }
        }
        Walk(root, "$", "");
        return slots;
    }

    private static void Set(Slot slot, JsonNode? value)
    {
        if (slot.Parent is JsonObject o) o[slot.Key!] = value;
        else ((JsonArray)slot.Parent)[slot.Index] = value;
    }

    private static void Remove(Slot slot)
    {
        if (slot.Parent is JsonObject o) o.Remove(slot.Key!);
        else ((JsonArray)slot.Parent).RemoveAt(slot.Index);
    }

    /// <summary>The tree as UTF-8, with the placeholder string replaced by raw bytes (numbers JSON cannot hold in a node, bad UTF-8, deep nesting).</summary>
    private static byte[] Bytes(JsonNode root, byte[]? raw = null)
    {
        var text = Encoding.UTF8.GetBytes(root.ToJsonString(Relaxed));
        if (raw is null) return text;
        var marker = Encoding.UTF8.GetBytes($"\"{Raw}\"");
        var at = text.AsSpan().IndexOf(marker);
        return at < 0 ? text : [.. text.AsSpan(0, at), .. raw, .. text.AsSpan(at + marker.Length)];
    }

    private (string Name, byte[] Bytes, bool MustReject) Mutate(JsonObject root) => Mutate(root, rng.Next(18));

    private (string Name, byte[] Bytes, bool MustReject) Mutate(JsonObject root, int choice)
    {
        var slots = Slots(root);
        if (slots.Count == 0) return ("emptied", Bytes(root), false);
        var slot = slots[rng.Next(slots.Count)];
        var leafPath = slot.Path;
        switch (choice)
        {
            case 0:
                Remove(slot);
                return ($"drop {leafPath}", Bytes(root), false);
            case 1:
                Set(slot, null);
                return ($"null {leafPath}", Bytes(root), false);
            case 2:
                Set(slot, WrongType(slot.Value));
                return ($"wrongType {leafPath}", Bytes(root), true);
            case 3:
            {
                var length = Pick(65, 1_000, 100_000, MaxBytes + 10_000);
                Set(slot, new string((char)('a' + rng.Next(26)), length));
                // Past the size limit the body must be refused whatever the field.
                return ($"hugeString({length}) {leafPath}", Bytes(root), length > MaxBytes);
            }
            case 4:
            {
                var count = Pick(51, 1_000, 10_000);
                var item = slot.Value is JsonArray { Count: > 0 } a ? a[0]!.ToJsonString() : "\"football\"";
                var array = "[" + string.Join(",", Enumerable.Repeat(item, count)) + "]";
                Set(slot, Raw);
                var bytes = Bytes(root, Encoding.UTF8.GetBytes(array));
                return ($"hugeArray({count}) {leafPath}", bytes, bytes.Length > MaxBytes);
            }
            case 5:
            {
                var sample = Pick(UnicodeSamples);
                Set(slot, Raw);
                return ($"unicode {leafPath}", Bytes(root, Encoding.UTF8.GetBytes(sample)), false);
            }
            case 6:
            {
                var bad = Pick(InvalidUtf8);
                Set(slot, Raw);
                return ($"invalidUtf8 {leafPath}", Bytes(root, [(byte)'"', (byte)'G', .. bad, (byte)'"']), true);
            }
            case 7:
                Set(slot, Raw);
                return ($"number {leafPath}", Bytes(root, Encoding.UTF8.GetBytes(Pick(OddNumbers))), false);
            case 8:
            {
                // NaN and infinities are never a valid number, written as a string or not.
                var wasNumber = slot.Value is JsonValue v && v.GetValueKind() == JsonValueKind.Number;
                Set(slot, Pick("NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e400"));
                return ($"nanLike {leafPath}", Bytes(root), wasNumber);
            }
            case 9:
            {
                var objects = slots.Select(s => s.Value).OfType<JsonObject>().Prepend(root).ToList();
                var target = objects[rng.Next(objects.Count)];
                var field = Pick("name", "nationalNumber", "address", "firstName", "email", "rijksregisternummer");
                target[field] = Pick<JsonNode>("Jan Peeters", "85.07.30-033.28", 1, new JsonObject());
                return ($"unknownField {target.GetPath()}.{field}", Bytes(root), true);
            }
            case 10:
            {
                var key = root.First().Key;
                var text = root.ToJsonString(Relaxed);
                var duplicate = $"{{\"{key}\":{Pick("null", "1", "\"A2\"", "[]", root[key]?.ToJsonString() ?? "null")},";
                return ($"duplicateKey {key}", Encoding.UTF8.GetBytes(root.Count == 0 ? text : duplicate + text[1..]), false);
            }
            case 11:
                return ("trailingGarbage", [.. Bytes(root), .. Encoding.UTF8.GetBytes(Pick("x", "}", "{}", ",", "]", " {\"a\":1}", "\u0000", "null"))], true);
            case 12:
            {
                var bytes = Bytes(root);
                var cut = rng.Next(bytes.Length);
                return ($"truncated at {cut}", bytes[..cut], true);
            }
            case 13:
            {
                var text = root.ToJsonString(Relaxed);
                text = rng.Next(2) == 0 ? "{/* comment */" + text[1..] : text[..^1] + ",}";
                return ("commentOrTrailingComma", Encoding.UTF8.GetBytes(text), true);
            }
            case 14:
            {
                var depth = Pick(17, 100, 10_000);
                var nested = rng.Next(2) == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                Set(slot, Raw);
                return ($"deep({depth}) {leafPath}", Bytes(root, Encoding.UTF8.GetBytes(nested)), true);
            }
            case 15:
            {
                // An override's reason is free text, not the lifecycle's reason code.
                var enums = slots.Where(s => EnumFields.Contains(s.Property) && !s.Path.Contains("override", StringComparison.Ordinal)
                    && s.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String).ToList();
                if (enums.Count == 0) goto case 12;
                var e = enums[rng.Next(enums.Count)];
                var value = e.Value!.GetValue<string>();
                // A list of names, or a name with blanks, is not a name: it must not be read as some other value.
                Set(e, Pick($"{value},{value}", $"{value}, {value}", $" {value}", $"{value} ", $"{value},", $"{value}\t"));
                return ($"enumNotAName {e.Path}", Bytes(root), true);
            }
            case 16:
            {
                if (root["weights"] is not JsonObject { Count: >= 2 } weights) goto case 7;
                // Each weight finite and positive, their sum infinite.
                foreach (var key in weights.Select(w => w.Key).Take(2).ToList()) weights[key] = 1e308;
                return ("weightsOverflow", Bytes(root), true);
            }
            default:
            {
                // Two mutations: first one that only changes the tree, then any. Only the second's verdict holds, as it
                // sees the tree the first left (the second may have dropped or replaced what the first changed).
                var (first, _, _) = Mutate(root, Pick(0, 1, 2, 9, 15));
                var (second, bytes, reject) = Mutate(root, rng.Next(17));
                return ($"{first} + {second}", bytes, reject);
            }
        }
    }

    private JsonNode WrongType(JsonNode? value) => value switch
    {
        JsonObject => Pick<JsonNode>(new JsonArray(), "x", 1, true),
        JsonArray => Pick<JsonNode>(new JsonObject(), "x", 1),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Pick<JsonNode>(42, true, new JsonObject(), new JsonArray()),
        // The number's own digits as a string ("15" for 15): the contract declares a number, so it is refused too.
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Pick<JsonNode>("abc", v.ToJsonString(), true, new JsonObject(), new JsonArray()),
        JsonValue => Pick<JsonNode>("yes", 1, new JsonObject(), new JsonArray()),
        // null: any object is the wrong type for the scalar or list it stands for… except a nested object; an array of arrays is wrong everywhere.
        _ => new JsonArray(new JsonArray()),
    };

    private static readonly string[] UnicodeSamples =
    [
        "\"Gënt\"", "\"🙂🙂\"", "\"\u202Egent\"", "\"ｇｅｎｔ\"", "\"Gent\u0301\"", "\"\\u0000\"", "\"\\u0001\\u001f\"", "\"\\ud800\"",
        "\"\\udc00x\"", "\"\\ud83d\"", "\"a\\u0000b\"", "\"\uFEFFGent\"", "\"\u00A0Gent\"", "\"Лёвен\"", "\"قاهرة\"", "\"\u200B\"", "\"\"",
        "\"\\n\\r\\t\"", "\"\u2028\u2029\"", "\"A\u030A\"",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xC3], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE9], // Latin-1 é
    ];

    private static readonly string[] OddNumbers =
    [
        "1e308", "-1e308", "1e400", "-0", "2147483648", "-2147483649", "9223372036854775808", "1.5", "0", "-1", "1E-400",
        "123456789012345678901234567890", "0.1e1", "4.9e-324", "1e-7", "10000", "10001", "301", "120", "121", "-90.0000001",
    ];

    // ------------------------------------------------------------------ envelopes: content types, charsets, sizes

    private FuzzRequest Envelope()
    {
        var t = RandomTemplate();
        var json = Bytes(t.Body);
        // An allocation's body may hold its 100,000 ids: its endpoint reads more than a single document's limit.
        var limit = t.Name == "assignment" ? Matching.Api.Endpoints.AssignmentsEndpoints.MaxBodyBytes : MaxBytes;
        FuzzRequest With(string kind, byte[]? body, string? contentType, bool mustReject) =>
            new($"envelope:{t.Name}:{kind}", t.Method, t.Path, body, contentType, mustReject, AdminKey);
        switch (rng.Next(10))
        {
            case 0:
            {
                var type = Pick("text/plain", "application/xml", "text/xml", "multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded",
                    "application/octet-stream", "application/jsn", "json", "text/json", "application/javascript", "*/*");
                return With($"contentType {type}", json, type, true);
            }
            case 1:
                return With("noContentType", json, null, true);
            case 2:
            {
                var type = Pick("application/json; charset=utf-8", "application/json;charset=UTF-8", "APPLICATION/JSON", "application/problem+json",
                    "application/merge-patch+json", "application/json; charset=iso-8859-1", "application/json; foo=bar");
                return With($"contentType {type}", json, type, false);
            }
            case 3:
            {
                var (encoding, name) = rng.Next(3) switch
                {
                    0 => (Encoding.Unicode, "utf-16"),
                    1 => (Encoding.BigEndianUnicode, "utf-16be"),
                    _ => (Encoding.UTF32, "utf-32"),
                };
                // The API reads UTF-8 only (RFC 8259): a body in another encoding is not JSON to it.
                return With($"charset {name}", encoding.GetBytes(Encoding.UTF8.GetString(json)), $"application/json; charset={name}", true);
            }
            case 4:
                return With("utf8Bom", [0xEF, 0xBB, 0xBF, .. json], "application/json", false);
            case 5:
            {
                var strings = Slots(t.Body).Where(s => s.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String).ToList();
                Set(strings[rng.Next(strings.Count)], Pick("Café", "Liège", "Sint-Niklaas é", "ü"));
                // Latin-1 é is not UTF-8: the body must be refused, not read with a replacement character.
                return With("latin1", Encoding.Latin1.GetBytes(t.Body.ToJsonString(Relaxed)), "application/json; charset=iso-8859-1", true);
            }
            case 6:
            {
                var over = limit + 1 + rng.Next(64 * 1024);
                return With($"overLimit({over})", [.. json, .. Enumerable.Repeat((byte)' ', over - json.Length)], "application/json", true);
            }
            case 7:
                // Exactly at the limit is still allowed.
                return With("atLimit", [.. json, .. Enumerable.Repeat((byte)' ', limit - json.Length)], "application/json", false);
            case 8:
                return With("empty", [], "application/json", true);
            default:
            {
                var body = Pick("null", "[]", "42", "\"x\"", "true", "[{}]", new string('[', 10_000) + new string(']', 10_000), "{\"a\":" + new string('[', 100) + new string(']', 100) + "}");
                return With($"topLevel {(body.Length > 20 ? body[..20] + "…" : body)}", Encoding.UTF8.GetBytes(body), "application/json", true);
            }
        }
    }

    // ------------------------------------------------------------------ ids in paths

    private static readonly (string Method, string Path, Func<object>? Body)[] IdRoutes =
    [
        ("GET", "/api/v1/newcomers/{id}", null), ("PUT", "/api/v1/newcomers/{id}", () => ApiFactory.NewcomerBody()), ("DELETE", "/api/v1/newcomers/{id}", null),
        ("GET", "/api/v1/newcomers/{id}/suggestions", null), ("GET", "/api/v1/offers/{id}", null), ("PUT", "/api/v1/offers/{id}", () => ApiFactory.OfferBody()),
        ("DELETE", "/api/v1/offers/{id}", null), ("GET", "/api/v1/offers/{id}/candidates", null), ("GET", "/api/v1/matches/{id}", null),
        ("PATCH", "/api/v1/matches/{id}", () => new { status = "accepted" }), ("GET", "/api/v1/weight-profiles/{id}", null),
        ("PUT", "/api/v1/weight-profiles/{id}", () => new { weights = new { distance = 1 } }), ("GET", "/api/v1/assignments/{id}", null),
        ("POST", "/api/v1/assignments/{id}/confirm", null),
    ];

    // No NUL: the in-process test server cannot carry it in a path (Kestrel refuses it with a bare 400 before the
    // app runs; the process tests send it there).
    private static readonly string[] IllegalIdChars =
    [
        " ", "<", ">", "'", "\"", ";", ":", "@", "!", "*", "(", ")", "é", "ß", "🙂", "\t", "/", "\\", "?", "#", "%", "&", "=", "+",
        "~", "$", ",", "[", "]", "{", "}", "|", "^", "`", "\u202E", "\uFF21", "\u00A0", "\n",
    ];

    private FuzzRequest RandomId()
    {
        var (method, template, body) = IdRoutes[rng.Next(IdRoutes.Length)];
        string id;
        string kind;
        var mustReject = true;
        switch (rng.Next(4))
        {
            case 0:
                id = ValidId(65 + rng.Next(rng.Next(2) == 0 ? 100 : 5_000));
                kind = $"tooLong({id.Length})";
                break;
            case 1:
            {
                var raw = ValidId(rng.Next(0, 10)) + Pick(IllegalIdChars) + ValidId(rng.Next(0, 10));
                id = Uri.EscapeDataString(raw);
                kind = "illegalChar";
                break;
            }
            case 2:
                id = Pick("%FF", "%C0%AF", "%ED%A0%80", "a%2Fb", "a%5Cb", "%25", "..%2F..%2Fetc", "%2Fapi%2Fv1", "a%2F", "%E2%80%AE", "%EF%BC%A1", "a%20");
                kind = "percent";
                break;
            default:
                id = ValidId(1 + rng.Next(64));
                kind = "validUnknown";
                mustReject = false;
                break;
        }
        var json = body is null ? null : Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body()));
        return new($"id:{kind}", method, template.Replace("{id}", id, StringComparison.Ordinal), json, json is null ? null : "application/json", mustReject, AdminKey);
    }

    private string ValidId(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
        // "." and ".." segments are rewritten by the client's URI handling; keep every id a plain segment.
        if (length > 0) chars[0] = alphabet[rng.Next(62)];
        return new string(chars);
    }

    // ------------------------------------------------------------------ query values

    private static readonly Dictionary<string, (string[] Valid, string[] Invalid)> Params = new()
    {
        ["limit"] = (["1", "10", "100"], ["0", "-1", "101", "abc", "1e2", "1.5", " 5", "+5", "0x10", "99999999999999999999", "٣", "1,2"]),
        ["kind"] = (["buddy", "languageInternship"], ["boat", "1", "-buddy", "buddy;volunteering"]),
        ["lang"] = (["nl", "en", "EN"], ["fr", "xx", "1", "nl-BE"]),
        ["profile"] = (["default"], ["nope", "../default", "a b", "default%00"]),
        ["page"] = (["1", "2"], ["0", "-1", "1000001", "x"]),
        ["pageSize"] = (["1", "100"], ["0", "101", "x"]),
        ["hasPlaces"] = (["true", "false", "True"], ["yes", "1", "maybe"]),
        ["groupBy"] = (["municipality", "province"], ["city", "1"]),
        ["setting"] = (["careHome", "company"], ["boat", "1"]),
        ["place"] = (["Gent", "antwerpen", "Liège"], ["Atlantis", "Gent2", new string('x', 5_000)]),
    };

    private static readonly (string Method, string Path, string[] Params, Func<object>? Body)[] QueryRoutes =
    [
        ("GET", "/api/v1/newcomers/nc-1/suggestions", ["limit", "kind", "profile", "lang"], null),
        ("POST", "/api/v1/suggestions", ["limit", "kind", "profile", "lang"], () => new { newcomer = ApiFactory.NewcomerBody() }),
        ("GET", "/api/v1/offers", ["kind", "setting", "place", "hasPlaces", "page", "pageSize"], null),
        ("GET", "/api/v1/offers/offer-1/candidates", ["limit", "profile", "lang"], null),
        ("GET", "/api/v1/reports/gaps", ["groupBy", "kind", "profile"], null),
    ];

    private FuzzRequest RandomQuery()
    {
        var (method, path, names, body) = QueryRoutes[rng.Next(QueryRoutes.Length)];
        var parts = new List<string>();
        var mustReject = false;
        var count = 1 + rng.Next(3);
        for (var i = 0; i < count; i++)
        {
            // Now and then a parameter the route does not know: it is ignored, never an error.
            var name = rng.Next(8) == 0 ? Pick(Params.Keys.Append("foo").ToArray()) : Pick(names);
            var known = names.Contains(name);
            string value;
            switch (rng.Next(3))
            {
                case 0:
                    value = Uri.EscapeDataString(Pick(Params.TryGetValue(name, out var known2) ? known2.Valid : ["x"]));
                    break;
                case 1 when Params.TryGetValue(name, out var p) && p.Invalid.Length > 0:
                    value = Uri.EscapeDataString(Pick(p.Invalid));
                    mustReject |= known;
                    break;
                default:
                    value = Pick("", "%00", "%FF", "%ED%A0%80", Uri.EscapeDataString("Gënt"), Uri.EscapeDataString("🙂"), Uri.EscapeDataString("\u202E"),
                        new string('9', 3_000), "a&b", "%26", "%3D", "true%2Cfalse");
                    break;
            }
            parts.Add($"{name}={value}");
        }
        var query = string.Join("&", parts);
        var json = body is null ? null : Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body()));
        return new("query", method, $"{path}?{query}", json, json is null ? null : "application/json", mustReject, AdminKey);
    }

    // ------------------------------------------------------------------ methods on known paths

    private FuzzRequest RandomMethod()
    {
        var method = Pick("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO", "PROPFIND");
        var unknown = rng.Next(10) == 0;
        var path = unknown
            ? Pick("/api/v2/newcomers/nc-1", "/api/v1/newcomer/nc-1", "/api/v1/newcomers/nc-1/suggestions/x", "/api/v1/offers/offer-1/x", "/nothing", "/api/v1/matches/m/1")
            : Pick("/api/v1/newcomers/nc-1", "/api/v1/newcomers/nc-1/suggestions", "/api/v1/offers", "/api/v1/offers/offer-1", "/api/v1/offers/offer-2/candidates",
                "/api/v1/matches", $"/api/v1/matches/{PickMatch()}", "/api/v1/suggestions", "/api/v1/assignments", $"/api/v1/assignments/{targets.AssignmentId}",
                $"/api/v1/assignments/{targets.AssignmentId}/confirm", "/api/v1/weight-profiles", "/api/v1/weight-profiles/default", "/api/v1/reports/gaps",
                "/api/v1", "/api/v1/newcomers", "/health/live", "/health/ready");
        byte[]? body = null;
        string? contentType = null;
        if (rng.Next(2) == 0 && method is not ("GET" or "HEAD" or "TRACE"))
        {
            body = Bytes(RandomTemplate().Body);
            contentType = "application/json";
        }
        return new($"method:{method}", method, path, body, contentType, unknown, AdminKey);
    }

    // ------------------------------------------------------------------ keys

    private FuzzRequest WrongKey()
    {
        var t = RandomTemplate();
        var key = rng.Next(4) switch
        {
            0 => null,
            1 => "not-a-key-at-all-xxxxxxxxxxxx",
            2 => new string('k', 5_000),
            // A role that may not write newcomers or offers: 403 on the writes.
            _ => ApiFactory.AnalystKey,
        };
        var mustReject = key != ApiFactory.AnalystKey || t.Name is not "profile";
        var label = key switch { null => "none", ApiFactory.AnalystKey => "analystRole", { Length: > 40 } => "long", _ => "unknown" };
        return new($"key:{label}", t.Method, t.Path, Bytes(t.Body), "application/json", mustReject, key);
    }

    // ------------------------------------------------------------------ helpers

    private string PickMatch() => targets.MatchIds.Count == 0 || rng.Next(8) == 0 ? "m-unknown" : targets.MatchIds[rng.Next(targets.MatchIds.Count)];

    private T Pick<T>(params T[] values) => values[rng.Next(values.Length)];
}
