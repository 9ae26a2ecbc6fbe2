using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace AutoDesign.Host.Api;

/// <summary>
/// What ASP.NET Core itself refuses — a query or route value that does not bind, a body over the size limit — as
/// problem details that name the parameter (400) or give the limit (413), instead of a bare status or a 500.
/// </summary>
internal sealed partial class BadRequestHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        IResult? result = exception switch
        {
            _ when IsOverLimit(exception) =>
                TypedResults.Problem("the request body is larger than the service accepts", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large"),
            BadHttpRequestException e when Parameter().Match(e.Message) is { Success: true } match =>
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { [match.Groups["name"].Value] = [Reason(match)] }, title: "The request is not valid"),
            BadHttpRequestException e => TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: "Bad request"),
            _ => null,
        };
        if (result is null) return false;
        await result.ExecuteAsync(context);
        return true;
    }

    private static bool IsOverLimit(Exception exception) => exception switch
    {
        BadHttpRequestException e => e.StatusCode == StatusCodes.Status413PayloadTooLarge,
        InvalidDataException e => e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static string Reason(Match match)
    {
        if (!match.Groups["value"].Success) return "is required";
        string type = match.Groups["type"].Value.ToLowerInvariant(); // "int?", "Nullable<Int32>", "Guid" ...
        return type switch
        {
            _ when type.Contains("int") || type.Contains("long") => "must be a whole number",
            _ when type.Contains("double") || type.Contains("float") || type.Contains("single") || type.Contains("decimal") => "must be a number",
            _ when type.Contains("guid") => "must be an id (a GUID)",
            _ when type.Contains("bool") => "must be true or false",
            _ => "is not a valid value",
        };
    }

    // ASP.NET Core's words: Failed to bind parameter "int? offset" from "abc". / Required parameter "int index" was not provided from route.
    [GeneratedRegex("""parameter "(?<type>\S+) (?<name>[^"]+)"(?: from "(?<value>[^"]*)")?""")]
    private static partial Regex Parameter();
}
