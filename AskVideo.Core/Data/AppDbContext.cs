using AskVideo.Core.Accounts;
using AskVideo.Core.Admin;
using AskVideo.Core.Chat;
using AskVideo.Core.Groups;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Core.Data;

/// <summary>The one database of Api and Worker.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<User, IdentityRole<int>, int>(options)
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<UserQuota> UserQuotas => Set<UserQuota>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();
    public DbSet<Video> Videos => Set<Video>();
    public DbSet<TranscriptSegment> TranscriptSegments => Set<TranscriptSegment>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<VideoGroup> VideoGroups => Set<VideoGroup>();
    public DbSet<VideoGroupMember> VideoGroupMembers => Set<VideoGroupMember>();
    public DbSet<Scene> Scenes => Set<Scene>();
    public DbSet<ChatLog> ChatLogs => Set<ChatLog>();
    public DbSet<AnswerUsage> AnswerUsage => Set<AnswerUsage>();

    /// <summary>
    /// SQL function from an ISO 639-1 code to a PostgreSQL text search configuration ('simple'
    /// for languages without one). Immutable, so the generated full-text column can call it.
    /// </summary>
    public const string SearchConfigFunction = "askvideo_search_config";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // pgvector holds the scenes' embeddings.
        builder.HasPostgresExtension("vector");

        builder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
        });
        builder.Entity<IdentityUserClaim<int>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<int>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<int>>().ToTable("user_tokens");
        builder.Entity<IdentityRole<int>>().ToTable("roles");
        builder.Entity<IdentityUserRole<int>>().ToTable("user_roles");
        builder.Entity<IdentityRoleClaim<int>>().ToTable("role_claims");

        builder.Entity<UserQuota>(quota =>
        {
            quota.ToTable("user_quotas");
            quota.HasKey(q => q.UserId);
            quota.HasOne<User>().WithOne().HasForeignKey<UserQuota>(q => q.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEntry>(entry =>
        {
            // No foreign key to users: the record of what an administrator did outlives both
            // the administrator's account and the account acted on.
            entry.ToTable("audit_entries");
            entry.Property(e => e.ActorName).HasMaxLength(256);
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.ResourceType).HasMaxLength(32);
            entry.Property(e => e.ResourceId).HasMaxLength(64);
            entry.Property(e => e.Detail).HasMaxLength(2000);
            entry.Property(e => e.IpAddress).HasMaxLength(64);
            entry.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
            entry.HasIndex(e => e.CreatedAt);
        });

        builder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.FamilyId);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AccountToken>(token =>
        {
            token.ToTable("account_tokens");
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.HasIndex(t => new { t.UserId, t.Purpose });
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Video>(video =>
        {
            video.ToTable("videos");
            video.Property(v => v.Title).HasMaxLength(255);
            video.Property(v => v.Description).HasMaxLength(5000);
            video.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
            video.Property(v => v.ProgressStage).HasMaxLength(32);
            video.Property(v => v.OriginalFileName).HasMaxLength(255);
            video.Property(v => v.StorageKey).HasMaxLength(255);
            video.Property(v => v.ContentType).HasMaxLength(100);
            video.Property(v => v.ErrorMessage).HasMaxLength(1000);
            video.Property(v => v.Language).HasMaxLength(16);
            video.HasIndex(v => new { v.OwnerId, v.CreatedAt });
            video.HasOne<User>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Cascade);
            video.HasMany(v => v.Segments).WithOne().HasForeignKey(s => s.VideoId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TranscriptSegment>(segment =>
        {
            segment.ToTable("transcript_segments");
            segment.HasIndex(s => new { s.VideoId, s.Index }).IsUnique();
        });

        builder.Entity<Job>(job =>
        {
            job.ToTable("jobs");
            job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
            job.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
            job.Property(j => j.LeaseOwner).HasMaxLength(200);
            job.Property(j => j.LastError).HasMaxLength(2000);
            job.Property(j => j.TraceParent).HasMaxLength(128);
            // The relay's question: which jobs wait to be published?
            job.HasIndex(j => new { j.Status, j.NotBefore }).HasFilter("\"PublishedAt\" IS NULL");
            job.HasIndex(j => j.VideoId);
            job.HasOne<Video>().WithMany().HasForeignKey(j => j.VideoId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<VideoGroup>(group =>
        {
            group.ToTable("video_groups");
            group.Property(g => g.Name).HasMaxLength(VideoGroup.NameMaxLength);
            group.Property(g => g.Description).HasMaxLength(VideoGroup.DescriptionMaxLength);
            group.Property(g => g.ShareToken).HasMaxLength(VideoGroup.ShareTokenMaxLength);
            // Guests are found by their token alone; unique, so one token opens one group.
            group.HasIndex(g => g.ShareToken).IsUnique();
            group.HasIndex(g => new { g.OwnerId, g.Position });
            group.HasOne<User>().WithMany().HasForeignKey(g => g.OwnerId).OnDelete(DeleteBehavior.Cascade);
            group.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<VideoGroupMember>(member =>
        {
            member.ToTable("video_group_members");
            member.HasKey(m => new { m.GroupId, m.VideoId });
            // Deleting a video takes it out of every group it was in.
            member.HasOne(m => m.Video).WithMany().HasForeignKey(m => m.VideoId).OnDelete(DeleteBehavior.Cascade);
            member.HasIndex(m => m.VideoId);
        });

        builder.Entity<Scene>(scene =>
        {
            scene.ToTable("scenes");
            scene.Property(s => s.Segments).HasColumnType("jsonb");
            scene.HasIndex(s => new { s.VideoId, s.Index }).IsUnique();
            scene.HasOne<Video>().WithMany().HasForeignKey(s => s.VideoId).OnDelete(DeleteBehavior.Cascade);
            scene.Property(s => s.Language).HasMaxLength(16);
            // PostgreSQL keeps the full-text vector in step with the text. The configuration follows
            // the transcript's language (stemming, stop words), 'simple' for languages it has none
            // for; see SearchConfigFunction.
            scene.Property(s => s.SearchVector).HasComputedColumnSql(
                $"to_tsvector({SearchConfigFunction}(\"Language\"), coalesce(\"SearchText\", \"Text\"))", stored: true);
            scene.HasIndex(s => s.SearchVector).HasMethod("GIN");
            scene.Property(s => s.Embedding).HasColumnType($"vector({Scene.EmbeddingDimensions})");
            scene.Property(s => s.EmbeddingModel).HasMaxLength(200);
            scene.HasIndex(s => s.Embedding).HasMethod("hnsw").HasOperators("vector_cosine_ops");
            scene.HasMany(s => s.SegmentEmbeddings).WithOne().HasForeignKey(e => e.SceneId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SceneSegmentEmbedding>(embedding =>
        {
            embedding.ToTable("scene_segment_embeddings");
            embedding.HasKey(e => new { e.SceneId, e.Ordinal });
            // No width: each model's own (see SceneSegmentEmbedding).
            embedding.Property(e => e.Embedding).HasColumnType("halfvec");
        });

        builder.Entity<ChatLog>(log =>
        {
            log.ToTable("chat_logs");
            log.Property(l => l.Mode).HasMaxLength(16);
            log.Property(l => l.CitationsJson).HasColumnType("jsonb");
            log.Property(l => l.RetrievedJson).HasColumnType("jsonb");
            log.Property(l => l.Feedback).HasMaxLength(8);
            log.Property(l => l.Model).HasMaxLength(200);
            log.HasIndex(l => new { l.GroupId, l.CreatedAt });
            log.HasOne<VideoGroup>().WithMany().HasForeignKey(l => l.GroupId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AnswerUsage>(usage =>
        {
            usage.ToTable("answer_usage");
            usage.HasKey(u => new { u.UserId, u.Month });
            usage.HasOne<User>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
