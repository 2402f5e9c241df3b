using Matching.Harness.Replay;

namespace Matching.Tests.Harness.Replay;

public class SplitsTests
{
    [Test]
    public void FirstMatches_SmallerSizes_NestedWholeNewcomers()
    {
        var queries = HarnessTestData.Queries;
        var small = Splits.FirstMatches(queries, 100, seed: 9);
        var large = Splits.FirstMatches(queries, 250, seed: 9);

        small.Count.Should().BeGreaterThanOrEqualTo(100);
        large.Count.Should().BeGreaterThanOrEqualTo(250);
        small.Should().OnlyContain(q => large.Contains(q), "the smaller history is part of the larger one for one seed");
        var taken = small.Select(q => q.Newcomer.Id).ToHashSet(StringComparer.Ordinal);
        queries.Where(q => taken.Contains(q.Newcomer.Id)).Should().OnlyContain(q => small.Contains(q), "a newcomer's matches are taken whole");
    }

    [Test]
    public void FirstMatches_OtherSeed_OtherNewcomers_AndAllWhenAskedForMore()
    {
        var queries = HarnessTestData.Queries;
        Splits.FirstMatches(queries, 100, seed: 1).Should().NotEqual(Splits.FirstMatches(queries, 100, seed: 2));
        Splits.FirstMatches(queries, 100, seed: 1).Should().Equal(Splits.FirstMatches(queries, 100, seed: 1));
        Splits.FirstMatches(queries, queries.Count + 1, seed: 1).Should().BeSameAs(queries);
    }
}
