using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// The <c>limit</c>/<c>offset</c> pagination every list endpoint speaks. Query values stay text in
/// the query records, so that a bad one is named in a 400 instead of failing the binding.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static int Limit(string? limit) => limit is null ? DefaultLimit : int.Parse(limit, CultureInfo.InvariantCulture);

    public static int Offset(string? offset) => offset is null ? 0 : int.Parse(offset, CultureInfo.InvariantCulture);

    /// <summary>Digits only: no sign, no spaces, no thousands separators.</summary>
    public static bool IsWholeNumber(string? value, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);

    /// <summary>Names <c>limit</c> (1 to <see cref="MaxLimit"/>) and <c>offset</c> (0 or more) when they are not valid.</summary>
    public static Validation.Errors CheckPage(this Validation.Errors errors, string? limit, string? offset) => errors
        .Check("limit", limit is null || (IsWholeNumber(limit, out var l) && l is >= 1 and <= MaxLimit),
            $"A whole number from 1 to {MaxLimit}.")
        .Check("offset", offset is null || (IsWholeNumber(offset, out var o) && o >= 0), "A whole number, 0 or more.");

    /// <summary>The absolute URLs of the next and previous pages (the same query with another offset), null at either end.</summary>
    /// <remarks>In 64 bits: an offset near int.MaxValue plus a limit would otherwise wrap to a negative offset.</remarks>
    public static (string? Next, string? Previous) Links(HttpRequest request, int count, int limit, int offset) => (
        (long)offset + limit < count ? Link(request, limit, (long)offset + limit) : null,
        offset > 0 ? Link(request, limit, Math.Max(0, offset - limit)) : null);

    private static string Link(HttpRequest request, int limit, long offset)
    {
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase);
        query["limit"] = new StringValues(limit.ToString(CultureInfo.InvariantCulture));
        query["offset"] = new StringValues(offset.ToString(CultureInfo.InvariantCulture));
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query));
    }
}
