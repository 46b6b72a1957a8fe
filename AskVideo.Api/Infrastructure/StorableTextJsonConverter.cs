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

/// <summary>
/// The same check for fields bound as raw JSON (<see cref="JsonElement"/>), whose strings the
/// string converter never sees: reading such a string later would throw instead of answering 400.
/// </summary>
public sealed class StorableTextJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        Check(element);
        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    private static void Check(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                CheckText(element);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Check(item);
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!StorableText.IsStorable(property.Name))
                    {
                        throw new UnstorableTextException();
                    }
                    Check(property.Value);
                }
                break;
        }
    }

    private static void CheckText(JsonElement element)
    {
        string? text;
        try
        {
            text = element.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new UnstorableTextException();
        }
        if (text is not null && !StorableText.IsStorable(text))
        {
            throw new UnstorableTextException();
        }
    }
}
