using System.Net;
using System.Text.Json;

namespace Matching.Tests.Api;

internal static class ApiAssertions
{
    /// <summary>Asserts an RFC 9457 problem details answer with the status, and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", body);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        json.GetProperty("status").GetInt32().Should().Be((int)status);
        body.Should().NotContain("   at ", "no stack trace is ever sent");
        return json;
    }

    /// <summary>Asserts a 400 validation problem naming each field, and returns the errors.</summary>
    public static async Task<JsonElement> ShouldBeValidationProblem(this HttpResponseMessage response, params string[] fields)
    {
        var json = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var errors = json.GetProperty("errors");
        foreach (var field in fields) errors.TryGetProperty(field, out _).Should().BeTrue($"the error names '{field}': {errors}");
        return errors;
    }

    public static async Task<JsonElement> Json(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
