using Matching.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddMatching();

var app = builder.Build();
app.UseMatching();
app.MapMatching();
app.Run();

/// <summary>The host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
