using NpgsqlTypes;

namespace AskVideo.Core.Search;

/// <summary>
/// A passage of a video's transcript that retrieval returns as one unit: consecutive segments
/// grouped where the topic holds (see <see cref="SceneBuilder"/>), with the time they cover.
/// </summary>
public sealed class Scene
{
    public long Id { get; set; }
    public int VideoId { get; set; }
    /// <summary>Order within the video, from 0.</summary>
    public int Index { get; set; }
    public double Start { get; set; }
    public double End { get; set; }
    public required string Text { get; set; }

    /// <summary>Full-text vector of <see cref="Text"/>, computed by PostgreSQL (generated column).</summary>
    public NpgsqlTsVector SearchVector { get; set; } = null!;
}
