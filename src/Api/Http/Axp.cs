using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Http;

/// <summary>Answers with a wire contract (src/Contracts), serialised by its source-generated <see cref="AxpJsonContext"/>.</summary>
public static class Axp
{
    public static JsonHttpResult<T> Json<T>(T value) => TypedResults.Json(value, AxpJson.Info<T>());
}
