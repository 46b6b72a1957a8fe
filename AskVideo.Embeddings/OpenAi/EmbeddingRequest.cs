using System.Text.Json;
using AskVideo.Embeddings.Model;

namespace AskVideo.Embeddings.OpenAi;

/// <summary>
/// The body of <c>POST /v1/embeddings</c> as OpenAI defines it:
/// <c>{input: string | string[], model?, encoding_format?: "float" | "base64", dimensions?}</c>.
/// Read by hand rather than bound, so that each wrong field is named in the answer.
/// </summary>
public sealed record EmbeddingRequest(IReadOnlyList<string> Input, string? Model, bool Base64, int Dimensions)
{
    /// <summary>OpenAI's own limit on inputs per request.</summary>
    public const int MaxInputs = 2048;

    /// <summary>Wider vectors are padded with zeros, which leaves every cosine as it was; beyond this is surely a mistake.</summary>
    public const int MaxDimensions = 4096;

    /// <summary>The request, or the problems with each field (field name to messages).</summary>
    public static (EmbeddingRequest? Request, Dictionary<string, string[]> Errors) Read(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object with an input field."];
            return (null, errors);
        }

        var input = ReadInput(body, errors);
        var model = ReadModel(body, errors);
        var base64 = ReadFormat(body, errors);
        var dimensions = ReadDimensions(body, errors);
        return errors.Count > 0 ? (null, errors) : (new EmbeddingRequest(input!, model, base64, dimensions), errors);
    }

    private static List<string>? ReadInput(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            errors["input"] = ["input is required: a string or an array of strings."];
            return null;
        }
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                if (!TryGetText(input, out var text))
                {
                    errors["input"] = [BrokenText];
                    return null;
                }
                if (text.Length == 0)
                {
                    errors["input"] = ["input is empty."];
                    return null;
                }
                return [text];
            case JsonValueKind.Array:
                var count = input.GetArrayLength();
                if (count == 0)
                {
                    errors["input"] = ["input is an empty array; give at least one string."];
                    return null;
                }
                if (count > MaxInputs)
                {
                    errors["input"] = [$"input has {count} items; at most {MaxInputs} are taken in one request."];
                    return null;
                }
                var texts = new List<string>(count);
                var index = 0;
                foreach (var item in input.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        // Token arrays are valid for OpenAI's models, but this model has its own vocabulary.
                        errors[$"input[{index}]"] = [item.ValueKind == JsonValueKind.Array || item.ValueKind == JsonValueKind.Number
                            ? "Token arrays are not accepted; send the text as a string."
                            : "Each item of input must be a string."];
                    }
                    else if (TryGetText(item, out var itemText))
                    {
                        texts.Add(itemText);
                    }
                    else
                    {
                        errors[$"input[{index}]"] = [BrokenText];
                    }
                    index++;
                }
                return texts;
            default:
                errors["input"] = ["input must be a string or an array of strings."];
                return null;
        }
    }

    private const string BrokenText = "The text holds half of a surrogate pair (an escape such as \\ud83d alone), which is not text.";

    /// <summary>A JSON string, unless its escapes make invalid UTF-16, which the reader refuses to unescape.</summary>
    private static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static string? ReadModel(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("model", out var model) || model.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (model.ValueKind != JsonValueKind.String || !TryGetText(model, out var name))
        {
            errors["model"] = ["model must be a string."];
            return null;
        }
        return name;
    }

    private static bool ReadFormat(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("encoding_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        switch (format.ValueKind == JsonValueKind.String ? format.GetString() : null)
        {
            case "float":
                return false;
            case "base64":
                return true;
            default:
                errors["encoding_format"] = ["encoding_format must be \"float\" or \"base64\"."];
                return false;
        }
    }

    private static int ReadDimensions(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("dimensions", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return TextEncoder.Dimensions;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var dimensions))
        {
            errors["dimensions"] = ["dimensions must be a whole number."];
            return TextEncoder.Dimensions;
        }
        if (dimensions < TextEncoder.Dimensions)
        {
            errors["dimensions"] = [$"{TextEncoder.ModelName} makes {TextEncoder.Dimensions}-dimensional vectors and cannot shorten them; "
                + $"ask for {TextEncoder.Dimensions} or more (wider vectors are padded with zeros)."];
        }
        else if (dimensions > MaxDimensions)
        {
            errors["dimensions"] = [$"dimensions can be at most {MaxDimensions}."];
        }
        return dimensions;
    }
}
