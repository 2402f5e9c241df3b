using Matching.Model;

namespace Matching.Geo;

/// <summary>
/// The nearest-point search behind <see cref="BelgianGeography.MunicipalityOf"/>: every municipality's centre and every
/// deelgemeente point (they make the approximation follow the merged municipalities, whose centres can lie far from
/// their edges), sorted by latitude so that a query looks only at a band around its own.
/// </summary>
/// <remarks>Built once; immutable and safe to share between threads.</remarks>
internal sealed class MunicipalityAnchors
{
    private readonly double[] _anchorLat, _anchorX, _anchorY, _anchorZ;
    private readonly Municipality[] _anchorMunicipality;

    public MunicipalityAnchors(IEnumerable<Municipality> municipalities, IEnumerable<PostalPlace> places)
    {
        var anchors = municipalities.Where(m => m.Centre is not null).Select(m => (Point: m.Centre!.Value, m))
            .Concat(places.Where(p => p.Point is not null).Select(p => (Point: p.Point!.Value, p.Municipality)))
            .OrderBy(a => a.Point.Lat).ThenBy(a => a.Point.Lon)
            .ToArray();
        _anchorLat = new double[anchors.Length];
        _anchorX = new double[anchors.Length];
        _anchorY = new double[anchors.Length];
        _anchorZ = new double[anchors.Length];
        _anchorMunicipality = new Municipality[anchors.Length];
        for (var i = 0; i < anchors.Length; i++)
        {
            _anchorLat[i] = anchors[i].Point.Lat;
            (_anchorX[i], _anchorY[i], _anchorZ[i]) = anchors[i].Point.ToUnitVector();
            _anchorMunicipality[i] = anchors[i].Item2;
        }
    }

    /// <summary>The municipality of the nearest anchor; null outside Belgium's rough box (49.4–51.6 N, 2.5–6.5 E).</summary>
    public Municipality? Nearest(GeoPoint point)
    {
        if (point.Lat is < 49.4 or > 51.6 || point.Lon is < 2.5 or > 6.5) return null;
        var (x, y, z) = point.ToUnitVector();
        var start = Array.BinarySearch(_anchorLat, point.Lat);
        if (start < 0) start = ~start;
        var best = -1;
        var bestChord = double.MaxValue;
        // Walk away from the point's latitude on both sides; a side ends once its latitude difference alone is further
        // than the best so far (the chord of a latitude difference is a lower bound of the chord).
        for (int down = start - 1, up = start; down >= 0 || up < _anchorLat.Length;)
        {
            if (down >= 0)
            {
                if (LatitudeChordSquared(point.Lat - _anchorLat[down]) >= bestChord) down = -1;
                else Consider(down--);
            }
            if (up < _anchorLat.Length)
            {
                if (LatitudeChordSquared(_anchorLat[up] - point.Lat) >= bestChord) up = _anchorLat.Length;
                else Consider(up++);
            }
        }
        return _anchorMunicipality[best];

        void Consider(int i)
        {
            var chord = GeoPoint.ChordSquared(x, y, z, _anchorX[i], _anchorY[i], _anchorZ[i]);
            if (chord < bestChord) { bestChord = chord; best = i; }
        }
    }

    private static double LatitudeChordSquared(double degrees)
    {
        var chord = 2 * Math.Sin(Math.Abs(degrees) * (Math.PI / 180) / 2);
        return chord * chord;
    }
}
