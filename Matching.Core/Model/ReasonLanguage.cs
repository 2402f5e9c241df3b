namespace Matching.Model;

/// <summary>The language of explanations.</summary>
public enum ReasonLanguage : byte
{
    /// <summary>Dutch (the default).</summary>
    Nl = 0,
    /// <summary>English.</summary>
    En = 1,
}
