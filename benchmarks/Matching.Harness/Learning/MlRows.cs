using Microsoft.ML;
using Microsoft.ML.Data;

namespace Matching.Harness.Learning;

/// <summary>A labelled pair for ML.NET: features, completed or not, and the list it belongs to (for ranking).</summary>
internal sealed class PairRow
{
    /// <summary>1 when the match completed, 0 when it stopped (0 for unlabelled candidates being scored).</summary>
    public float Label { get; set; }
    /// <summary>True when completed (the binary trainers' label).</summary>
    public bool Completed { get; set; }
    /// <summary>The list (ranking group): the proposal day.</summary>
    public uint Group { get; set; }
    /// <summary>The features, as many as the schema says.</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>Loads pair rows into ML.NET with the feature vector's size fixed at run time.</summary>
internal static class MlRows
{
    /// <summary>The rows as a data view whose Features column is a vector of <paramref name="featureCount"/> singles.</summary>
    public static IDataView Load(MLContext ml, IEnumerable<PairRow> rows, int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(PairRow));
        schema[nameof(PairRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}
