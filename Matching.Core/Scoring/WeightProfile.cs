using System.Text.Json;
using System.Text.Json.Serialization;
using Matching.Model;
using Matching.Text;
using Matching.Validation;

namespace Matching.Scoring;

/// <summary>The wire form of a weight profile, as stored in data/weights/*.json and sent to the API.</summary>
public sealed class WeightProfileDocument
{
    /// <summary>Profile name: 1..64 of [A-Za-z0-9._-].</summary>
    public string? Name { get; set; }
    /// <summary>Version, at least 1; the API increments it on every change.</summary>
    public int? Version { get; set; }
    /// <summary>What the profile is for.</summary>
    public string? Description { get; set; }
    /// <summary>Weight per criterion name; non-negative, normalised to sum 1; a missing criterion weighs 0.</summary>
    public Dictionary<string, double>? Weights { get; set; }
    /// <summary>How many CEFR levels below an offer's minimum are still allowed (0..2, default 0).</summary>
    public int? LevelTolerance { get; set; }
    /// <summary>The distance decay.</summary>
    public DistanceDecayDocument? Distance { get; set; }
    /// <summary>Days assumed left when a newcomer has no trajectory end and the offer no end (7..730, default 182).</summary>
    public int? HorizonDays { get; set; }
    /// <summary>Schema of the document: 1 (weights and formula settings only, the default) or 2 (with <see cref="Shapes"/>).</summary>
    public int? Schema { get; set; }
    /// <summary>
    /// Schema 2: a learned curve per criterion name that replaces the criterion's formula, and per interaction slot
    /// (languageInternship, distanceBeginner, distanceSharedInterest, availabilityInternship, goalsInternship) a second
    /// curve of its criterion for part of the pairs; criteria without one keep their formula.
    /// </summary>
    public Dictionary<string, ShapeDocument>? Shapes { get; set; }
    /// <summary>
    /// How much a place's price weighs when suggestions are asked with scarcity=true: they are ordered by
    /// score − weight × price (0..10, default 0: off until analysts switch it on).
    /// </summary>
    public double? ScarcityWeight { get; set; }

    /// <summary>JSON options of every profile document: camelCase, unknown members refused, numbers only as JSON numbers.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>The wire form of a learned criterion shape: <c>{ "feature": "km", "knots": [[0, 1], [5, 0.8], [20, 0.1]] }</c>.</summary>
public sealed class ShapeDocument
{
    /// <summary>The raw feature (see <see cref="ShapeFeature"/>), e.g. "km", "levelGap", "exactInterests", "timeRatio".</summary>
    public string? Feature { get; set; }
    /// <summary>2..16 knots [x, y], x increasing, y in [0, 1]; monotone or unimodal.</summary>
    [JsonConverter(typeof(KnotListConverter))]
    public List<double[]>? Knots { get; set; }
}

/// <summary>Writes the knots on one line (<c>[[0, 1], [5, 0.8]]</c>), so that an indented profile stays readable; reads plain JSON arrays of numbers.</summary>
internal sealed class KnotListConverter : JsonConverter<List<double[]>>
{
    public override List<double[]>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("The knots must be an array of [x, y].");
        var list = new List<double[]>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Each knot must be an array [x, y].");
            var knot = new List<double>(2);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number) throw new JsonException("A knot holds numbers only.");
                knot.Add(reader.GetDouble());
            }
            list.Add(knot.ToArray());
        }
        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<double[]> value, JsonSerializerOptions options)
    {
        // The whole list as one raw value: an indented writer would put every number on a line of its own.
        writer.WriteRawValue("[" + string.Join(", ", value.Select(knot =>
            "[" + string.Join(", ", knot.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]");
    }
}

/// <summary>The wire form of the gauss distance decay.</summary>
public sealed class DistanceDecayDocument
{
    /// <summary>Distance in km that still scores 1 (0..50, default 1).</summary>
    public double? OffsetKm { get; set; }
    /// <summary>Distance past the offset at which the score has fallen to <see cref="Decay"/> (0.5..200, default 10).</summary>
    public double? ScaleKm { get; set; }
    /// <summary>The score at offset + scale (0.01..0.99, default 0.5).</summary>
    public double? Decay { get; set; }
}

/// <summary>
/// A named, versioned weight profile: the weight of each criterion (normalised to sum 1) and the settings of the
/// formulas. Immutable and thread-safe.
/// </summary>
public sealed class WeightProfile
{
    private readonly double[] _weights;

    private WeightProfile(string name, int version, string? description, double[] weights, int levelTolerance,
        double offsetKm, double scaleKm, double decay, int horizonDays, Shapes? shapes, double scarcityWeight)
    {
        Shapes = shapes;
        ScarcityWeight = scarcityWeight;
        Name = name;
        Version = version;
        Description = description;
        _weights = weights;
        LevelTolerance = levelTolerance;
        DistanceOffsetKm = offsetKm;
        DistanceScaleKm = scaleKm;
        DistanceDecay = decay;
        HorizonDays = horizonDays;
        // Elasticsearch's gauss decay: exp(-d²/2σ²) equals `decay` at d = scale.
        GaussSigmaSquared = -scaleKm * scaleKm / (2 * Math.Log(decay));
    }

    private static readonly Lazy<WeightProfile> LazyDefault = new(() =>
    {
        using var reader = EmbeddedData.OpenText("weights.default.json");
        return Parse(reader.ReadToEnd(), out var errors) ?? throw new ValidationException(errors);
    });

    /// <summary>The profile shipped in data/weights/default.json.</summary>
    public static WeightProfile Default => LazyDefault.Value;

    /// <summary>The profile's name.</summary>
    public string Name { get; }
    /// <summary>The profile's version.</summary>
    public int Version { get; }
    /// <summary>What it is for.</summary>
    public string? Description { get; }
    /// <summary>Levels below an offer's minimum still allowed.</summary>
    public int LevelTolerance { get; }
    /// <summary>Distance that still scores 1, in km.</summary>
    public double DistanceOffsetKm { get; }
    /// <summary>Distance past the offset where the score is <see cref="DistanceDecay"/>, in km.</summary>
    public double DistanceScaleKm { get; }
    /// <summary>Distance score at offset + scale.</summary>
    public double DistanceDecay { get; }
    /// <summary>Days assumed when neither the trajectory nor the offer has an end.</summary>
    public int HorizonDays { get; }
    /// <summary>The weight of a place's price in suggestions asked with scarcity=true (0: off).</summary>
    public double ScarcityWeight { get; }

    internal double GaussSigmaSquared { get; }

    /// <summary>The learned shapes, or null for a profile that scores by the formulas alone (schema 1).</summary>
    internal Shapes? Shapes { get; }

    /// <summary>Whether any criterion is scored by a learned shape.</summary>
    public bool HasShapes => Shapes is not null;

    /// <summary>The normalised weight of a criterion.</summary>
    public double Weight(Criterion criterion) => _weights[(int)criterion];

    /// <summary>The normalised weights in criterion order.</summary>
    internal ReadOnlySpan<double> Weights => _weights;

    /// <summary>The score of a pair from its criterion scores: Σ weight × criterion score.</summary>
    internal double Score(ReadOnlySpan<double> criteria) => CriterionWeights.Dot(_weights, criteria);

    /// <summary>Validates a document into a profile; returns null and fills <paramref name="errors"/> when it is invalid.</summary>
    public static WeightProfile? Create(WeightProfileDocument document, out ValidationErrors errors)
    {
        errors = new ValidationErrors();
        var name = document.Name;
        if (!Identifiers.IsValid(name)) errors.Add("name", "Required: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        var version = document.Version ?? 1;
        if (version < 1) errors.Add("version", "Must be at least 1.");

        var weights = CriterionWeights.Read(document.Weights, "weights", errors) ?? new double[Criteria.Count];

        var tolerance = document.LevelTolerance ?? 0;
        if (tolerance is < 0 or > 2) errors.Add("levelTolerance", "Must be 0, 1 or 2.");
        var offset = document.Distance?.OffsetKm ?? 1;
        var scale = document.Distance?.ScaleKm ?? 10;
        var decay = document.Distance?.Decay ?? 0.5;
        if (!double.IsFinite(offset) || offset is < 0 or > 50) errors.Add("distance.offsetKm", "Must be between 0 and 50.");
        if (!double.IsFinite(scale) || scale is < 0.5 or > 200) errors.Add("distance.scaleKm", "Must be between 0.5 and 200.");
        if (!double.IsFinite(decay) || decay is < 0.01 or > 0.99) errors.Add("distance.decay", "Must be between 0.01 and 0.99.");
        var horizon = document.HorizonDays ?? 182;
        if (horizon is < 7 or > 730) errors.Add("horizonDays", "Must be between 7 and 730.");
        if (document.Description is { Length: > 500 }) errors.Add("description", "At most 500 characters.");
        var schema = document.Schema ?? (document.Shapes is { Count: > 0 } ? 2 : 1);
        if (schema is < 1 or > 2) errors.Add("schema", "Must be 1 or 2.");
        var shapes = CreateShapes(document.Shapes, schema, errors);
        var scarcityWeight = document.ScarcityWeight ?? 0;
        if (!double.IsFinite(scarcityWeight) || scarcityWeight is < 0 or > 10) errors.Add("scarcityWeight", "Must be between 0 and 10.");

        return errors.IsEmpty
            ? new WeightProfile(name!, version, document.Description, weights, tolerance, offset, scale, decay, horizon, shapes, scarcityWeight)
            : null;
    }

    private static Shapes? CreateShapes(Dictionary<string, ShapeDocument>? documents, int schema, ValidationErrors errors)
    {
        if (documents is null || documents.Count == 0) return null;
        if (schema < 2)
        {
            errors.Add("shapes", "Shapes need schema 2.");
            return null;
        }
        var byCriterion = new CriterionShape?[Criteria.Count];
        var interactions = new CriterionShape?[Scoring.Shapes.Interactions.Length];
        foreach (var (key, doc) in documents)
        {
            var field = $"shapes.{key}";
            var slot = Scoring.Shapes.InteractionIndex(key);
            var criterion = Criterion.Language;
            if (slot < 0 && (!WireNames.TryParse(key, out criterion) || Criteria.Name(criterion) != key))
            {
                errors.Add(field, $"Unknown criterion; known: {string.Join(", ", Criteria.All.Select(Criteria.Name))}, "
                    + $"{string.Join(", ", Scoring.Shapes.Interactions.Select(s => s.Name))}.");
                continue;
            }
            var allowed = slot >= 0 ? Scoring.Shapes.Interactions[slot].Features : Scoring.Shapes.FeaturesOf(criterion);
            if (doc is null || !WireNames.TryParse<ShapeFeature>(doc.Feature, out var feature) || WireNames.Of(feature) != doc.Feature
                || !allowed.Contains(feature))
            {
                errors.Add($"{field}.feature", $"Required; for {key} one of {string.Join(", ", allowed.Select(WireNames.Of))}.");
                continue;
            }
            var shape = CriterionShape.Create(feature, doc.Knots, field, errors);
            if (slot >= 0) interactions[slot] = shape;
            else byCriterion[(int)criterion] = shape;
        }
        return new Shapes(byCriterion, interactions);
    }

    private static Dictionary<string, ShapeDocument>? ShapeDocuments(Shapes? shapes)
    {
        if (shapes is null) return null;
        static ShapeDocument Doc(CriterionShape s) => new() { Feature = WireNames.Of(s.Feature), Knots = s.Knots.Select(k => new[] { k.X, k.Y }).ToList() };
        var result = new Dictionary<string, ShapeDocument>(StringComparer.Ordinal);
        foreach (var c in Criteria.All) if (shapes.Of(c) is { } s) result[Criteria.Name(c)] = Doc(s);
        for (var k = 0; k < Scoring.Shapes.Interactions.Length; k++)
        {
            if (shapes.Interaction(k) is { } s) result[Scoring.Shapes.Interactions[k].Name] = Doc(s);
        }
        return result;
    }

    /// <summary>Parses and validates JSON; malformed JSON is reported as an error on the empty field.</summary>
    public static WeightProfile? Parse(string json, out ValidationErrors errors)
    {
        WeightProfileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<WeightProfileDocument>(json, WeightProfileDocument.JsonOptions);
        }
        catch (JsonException ex)
        {
            errors = new ValidationErrors();
            errors.Add(ex.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "", "Malformed JSON: " + ex.Message.Split(" Path:")[0]);
            return null;
        }
        if (document is null)
        {
            errors = new ValidationErrors();
            errors.Add("", "A profile object is required.");
            return null;
        }
        return Create(document, out errors);
    }

    /// <summary>The profile as a document (weights normalised), for storage and the API.</summary>
    public WeightProfileDocument ToDocument() => new()
    {
        Name = Name,
        Version = Version,
        Description = Description,
        Weights = CriterionWeights.ToWire(_weights),
        LevelTolerance = LevelTolerance,
        Distance = new DistanceDecayDocument { OffsetKm = DistanceOffsetKm, ScaleKm = DistanceScaleKm, Decay = DistanceDecay },
        HorizonDays = HorizonDays,
        Schema = Shapes is null ? null : 2,
        Shapes = ShapeDocuments(Shapes),
        // Left out while off, so that every profile stored before the setting existed reads back as it was written.
        ScarcityWeight = ScarcityWeight > 0 ? ScarcityWeight : null,
    };

    /// <summary>A copy with another name and version (used when a stored profile is renamed or bumped).</summary>
    public WeightProfile WithIdentity(string name, int version) =>
        new(name, version, Description, _weights, LevelTolerance, DistanceOffsetKm, DistanceScaleKm, DistanceDecay, HorizonDays, Shapes, ScarcityWeight);
}
