namespace Matching.Model;

/// <summary>A point on the earth in WGS84 degrees.</summary>
/// <remarks>Immutable. Latitude in [-90, 90], longitude in [-180, 180].</remarks>
public readonly record struct GeoPoint
{
    /// <summary>The mean earth radius used for every distance, in km.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Creates a point, validating the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is out of range or not finite.</exception>
    public GeoPoint(double lat, double lon)
    {
        if (!double.IsFinite(lat) || lat < -90 || lat > 90) throw new ArgumentOutOfRangeException(nameof(lat), lat, "Latitude must be in [-90, 90].");
        if (!double.IsFinite(lon) || lon < -180 || lon > 180) throw new ArgumentOutOfRangeException(nameof(lon), lon, "Longitude must be in [-180, 180].");
        Lat = lat;
        Lon = lon;
    }

    /// <summary>Latitude in degrees.</summary>
    public double Lat { get; }
    /// <summary>Longitude in degrees.</summary>
    public double Lon { get; }

    /// <summary>The point on the unit sphere (x, y, z); the index stores these to compare distances without trigonometry.</summary>
    public (double X, double Y, double Z) ToUnitVector()
    {
        var la = Lat * (Math.PI / 180);
        var lo = Lon * (Math.PI / 180);
        var c = Math.Cos(la);
        return (c * Math.Cos(lo), c * Math.Sin(lo), Math.Sin(la));
    }

    /// <summary>The great-circle distance in km.</summary>
    /// <remarks>Computed from the chord between the unit vectors: the one formula every part of the engine uses,
    /// so that the index and the reference scorer agree to the last bit.</remarks>
    public static double DistanceKm(GeoPoint a, GeoPoint b)
    {
        var (ax, ay, az) = a.ToUnitVector();
        var (bx, by, bz) = b.ToUnitVector();
        return ChordToKm(ChordSquared(ax, ay, az, bx, by, bz));
    }

    internal static double ChordSquared(double ax, double ay, double az, double bx, double by, double bz)
    {
        var dx = ax - bx;
        var dy = ay - by;
        var dz = az - bz;
        return dx * dx + dy * dy + dz * dz;
    }

    internal static double ChordToKm(double chordSquared) =>
        2 * EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(chordSquared) / 2));

    internal static double KmToChordSquared(double km)
    {
        if (km >= Math.PI * EarthRadiusKm) return 4.0;
        var chord = 2 * Math.Sin(km / (2 * EarthRadiusKm));
        return chord * chord;
    }
}
