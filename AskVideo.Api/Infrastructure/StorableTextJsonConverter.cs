using System.Text.Json;
using System.Text.Json.Serialization;

namespace AskVideo.Api.Infrastructure;

/// <summary>Thrown for a JSON string that cannot be stored; the serializer adds the field's path.</summary>
public sealed class UnstorableTextException() : JsonException(StorableText.Message);

/// <summary>
/// Every string of every JSON body passes here, so no endpoint can forget the check. Writing is
/// unchanged.
/// </summary>
public sealed class StorableTextJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            // The same error the built-in converter gives for a number or an object in a text field.
            throw new JsonException($"Expected a string, not {reader.TokenType}.");
        }
        string? value;
        try
        {
            value = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new UnstorableTextException(); // Invalid UTF-8 inside the string.
        }
        if (value is not null && !StorableText.IsStorable(value))
        {
            throw new UnstorableTextException();
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
